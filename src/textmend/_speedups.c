/* Optional C speed-ups for textmend (built when a C compiler is there; see setup.py).
 *
 * Every function here has a pure-Python twin that gives the same answer, used when this
 * module is missing; tests hold the two equal.  Nothing here decides anything: these are
 * scans that Python's ``re`` runs several times slower.
 *
 * ascii_cap_tokens(text): set(re.findall(r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)*", text)) for an
 * ASCII ``text`` (``textmend.evidence._CAP_ASCII``).  ``re`` skips to the next capital
 * letter at ~8 ns a character (it tests a character class at every position); this loop
 * does it at ~1 ns.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static unsigned char UPPER[256];  /* A-Z */
static unsigned char LETTER[256]; /* A-Z a-z */

static PyObject *
ascii_cap_tokens(PyObject *module, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "ascii_cap_tokens() takes a str, not %.100s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(arg) < 0) {
        return NULL;
    }
#endif
    if (!PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "ascii_cap_tokens() takes an ASCII str");
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(arg);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *found = PySet_New(NULL);
    if (found == NULL) {
        return NULL;
    }
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && !UPPER[s[i]]) {
            i++;
        }
        if (i >= n) {
            break;
        }
        const Py_ssize_t start = i++;
        while (i < n && LETTER[s[i]]) {
            i++;
        }
        /* "-" and at least one letter, again and again (a "-" without a letter after it
           ends the token before the "-") */
        while (i + 1 < n && s[i] == '-' && LETTER[s[i + 1]]) {
            i += 2;
            while (i < n && LETTER[s[i]]) {
                i++;
            }
        }
        PyObject *token = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, s + start, i - start);
        if (token == NULL || PySet_Add(found, token) < 0) {
            Py_XDECREF(token);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(token);
    }
    return found;
}

/* needle_hits(text, table, whole): [(i, needle), ...] for every position i of ``text`` where
 * one of the needles starts (``whole``: and is not followed by an ASCII letter), the longest
 * such needle at each position, in text order.  ``table`` maps a first character to the
 * needles that open with it, longest first (``textmend.evidence._needle_table``).  The twin
 * is ``textmend.evidence._needle_hits_py``: one ``re`` trie pattern searched from each
 * position on, whose class of first letters ``re`` tests at every position (~8 ns each);
 * here a table look-up per position (~1 ns). */
typedef struct {
    Py_UCS4 first;
    PyObject *needles; /* tuple, borrowed from the table */
} Bucket;

static int
is_ascii_letter(Py_UCS4 c)
{
    return c < 128 && LETTER[c];
}

static PyObject *
needle_hits(PyObject *module, PyObject *args)
{
    PyObject *text, *table;
    int whole;
    if (!PyArg_ParseTuple(args, "UO!p:needle_hits", &text, &PyDict_Type, &table, &whole)) {
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
#endif
    /* the buckets: ASCII first characters by index, the others in a short list */
    PyObject *ascii[128] = {NULL};
    Py_ssize_t n_other = 0, cap = PyDict_Size(table);
    Bucket *other = PyMem_New(Bucket, cap > 0 ? cap : 1);
    if (other == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) != 1 || !PyTuple_Check(value)) {
            PyMem_Free(other);
            PyErr_SetString(PyExc_TypeError, "needle_hits() takes {character: (needle, ...)}");
            return NULL;
        }
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(value); k++) {
            PyObject *w = PyTuple_GET_ITEM(value, k);
            if (!PyUnicode_Check(w) || PyUnicode_GET_LENGTH(w) < 1
                    || PyUnicode_READ_CHAR(w, 0) != PyUnicode_READ_CHAR(key, 0)) {
                PyMem_Free(other);
                PyErr_SetString(PyExc_ValueError, "needle_hits(): a needle does not open with its key");
                return NULL;
            }
        }
        Py_UCS4 c = PyUnicode_READ_CHAR(key, 0);
        if (c < 128) {
            ascii[c] = value;
        }
        else {
            other[n_other].first = c;
            other[n_other].needles = value;
            n_other++;
        }
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        PyMem_Free(other);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        PyObject *needles = NULL;
        if (c < 128) {
            needles = ascii[c];
        }
        else {
            for (Py_ssize_t b = 0; b < n_other; b++) {
                if (other[b].first == c) {
                    needles = other[b].needles;
                    break;
                }
            }
        }
        if (needles == NULL) {
            continue;
        }
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles); k++) {
            PyObject *w = PyTuple_GET_ITEM(needles, k);
            const Py_ssize_t m = PyUnicode_GET_LENGTH(w);
            if (i + m > n) {
                continue;
            }
            const int wkind = PyUnicode_KIND(w);
            const void *wdata = PyUnicode_DATA(w);
            Py_ssize_t j = 1;
            while (j < m && PyUnicode_READ(wkind, wdata, j) == PyUnicode_READ(kind, data, i + j)) {
                j++;
            }
            if (j < m) {
                continue;
            }
            if (whole && i + m < n && is_ascii_letter(PyUnicode_READ(kind, data, i + m))) {
                continue;
            }
            PyObject *hit = Py_BuildValue("(nO)", i, w);
            if (hit == NULL || PyList_Append(out, hit) < 0) {
                Py_XDECREF(hit);
                Py_DECREF(out);
                PyMem_Free(other);
                return NULL;
            }
            Py_DECREF(hit);
            break; /* the longest that qualifies */
        }
    }
    PyMem_Free(other);
    return out;
}

static PyMethodDef speedups_methods[] = {
    {"needle_hits", needle_hits, METH_VARARGS,
     "needle_hits(text, table, whole, /)\n--\n\n"
     "[(i, needle), ...]: the longest needle starting at each position (whole: not followed\n"
     "by an ASCII letter); table maps a first character to its needles, longest first."},
    {"ascii_cap_tokens", ascii_cap_tokens, METH_O,
     "ascii_cap_tokens(text, /)\n--\n\n"
     "The distinct matches of [A-Z][A-Za-z]*(?:-[A-Za-z]+)* in an ASCII str, as a set."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    "textmend._speedups",
    "Optional C speed-ups (pure-Python twins in textmend.evidence).",
    -1,
    speedups_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    for (int c = 'A'; c <= 'Z'; c++) {
        UPPER[c] = 1;
        LETTER[c] = 1;
        LETTER[c - 'A' + 'a'] = 1;
    }
    return PyModule_Create(&speedups_module);
}
