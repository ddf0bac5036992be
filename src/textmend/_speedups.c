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

/* 0 when ``arg`` is a str ready to be read (its kind and data set), else -1 with an error */
static int
ready_str(PyObject *arg, const char *name)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "%s() takes a str, not %.100s", name, Py_TYPE(arg)->tp_name);
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(arg) < 0) {
        return -1;
    }
#endif
    return 0;
}

static PyObject *
ascii_cap_tokens(PyObject *module, PyObject *arg)
{
    (void)module;
    if (ready_str(arg, "ascii_cap_tokens") < 0) {
        return NULL;
    }
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
 * such needle at each position, in text order.  ``table`` maps the first two characters of
 * each needle (its only one, for a needle of one character) to the needles that open with
 * them, longest first (``textmend.evidence._needle_table``).  The twin is
 * ``textmend.evidence._needle_hits_py``: one ``re`` trie pattern searched from each position
 * on, whose class of first letters ``re`` tests at every position (~8 ns each); here one or
 * two table look-ups per position, and the needles of those two characters compared. */
typedef struct {
    Py_UCS4 first, second; /* second: NO_SECOND for a needle of one character */
    PyObject *needles;     /* tuple, borrowed from the table */
} Bucket;

#define NO_SECOND ((Py_UCS4)0xFFFFFFFF)

static int
is_ascii_letter(Py_UCS4 c)
{
    return c < 128 && LETTER[c];
}

/* the longest needle of ``needles`` at ``i`` that qualifies (matched from character ``from``
   on), or NULL */
static PyObject *
first_fit(PyObject *needles, int kind, const void *data, Py_ssize_t n, Py_ssize_t i,
          Py_ssize_t from, int whole)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles); k++) {
        PyObject *w = PyTuple_GET_ITEM(needles, k);
        const Py_ssize_t m = PyUnicode_GET_LENGTH(w);
        if (i + m > n) {
            continue;
        }
        const int wkind = PyUnicode_KIND(w);
        const void *wdata = PyUnicode_DATA(w);
        Py_ssize_t j = from;
        while (j < m && PyUnicode_READ(wkind, wdata, j) == PyUnicode_READ(kind, data, i + j)) {
            j++;
        }
        if (j < m) {
            continue;
        }
        if (whole && i + m < n && is_ascii_letter(PyUnicode_READ(kind, data, i + m))) {
            continue;
        }
        return w;
    }
    return NULL;
}

static PyObject *
bucket_of(const Bucket *other, Py_ssize_t n_other, Py_UCS4 first, Py_UCS4 second)
{
    for (Py_ssize_t b = 0; b < n_other; b++) {
        if (other[b].first == first && other[b].second == second) {
            return other[b].needles;
        }
    }
    return NULL;
}

static PyObject *
needle_hits(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text, *table;
    int whole;
    if (!PyArg_ParseTuple(args, "UO!p:needle_hits", &text, &PyDict_Type, &table, &whole)
            || ready_str(text, "needle_hits") < 0) {
        return NULL;
    }
    /* the buckets: two ASCII characters by index (pairs), one by index (singles), the
       others in a short list; ``starts`` marks the ASCII characters some needle opens with */
    PyObject **pairs = PyMem_Calloc(128 * 128, sizeof(PyObject *));
    Py_ssize_t cap = PyDict_Size(table);
    Bucket *other = PyMem_New(Bucket, cap > 0 ? cap : 1);
    PyObject *singles[128] = {NULL};
    unsigned char starts[128] = {0};
    int other_first = 0;
    Py_ssize_t n_other = 0;
    PyObject *out = NULL;
    if (pairs == NULL || other == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value)) {
        const Py_ssize_t klen = PyUnicode_Check(key) ? PyUnicode_GET_LENGTH(key) : 0;
        if ((klen != 1 && klen != 2) || !PyTuple_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "needle_hits() takes {one or two characters: (needle, ...)}");
            goto done;
        }
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(value); k++) {
            PyObject *w = PyTuple_GET_ITEM(value, k);
            if (!PyUnicode_Check(w) || (klen == 1 ? PyUnicode_GET_LENGTH(w) != 1 : PyUnicode_GET_LENGTH(w) < 2)
                    || PyUnicode_Tailmatch(w, key, 0, klen, -1) != 1) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_ValueError, "needle_hits(): a needle does not open with its key");
                }
                goto done;
            }
        }
        const Py_UCS4 c1 = PyUnicode_READ_CHAR(key, 0);
        const Py_UCS4 c2 = klen == 2 ? PyUnicode_READ_CHAR(key, 1) : NO_SECOND;
        if (c1 < 128) {
            starts[c1] = 1;
        }
        else {
            other_first = 1;
        }
        if (c1 < 128 && klen == 1) {
            singles[c1] = value;
        }
        else if (c1 < 128 && c2 < 128) {
            pairs[c1 * 128 + c2] = value;
        }
        else {
            other[n_other].first = c1;
            other[n_other].second = c2;
            other[n_other].needles = value;
            n_other++;
        }
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    out = PyList_New(0);
    if (out == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_UCS4 c1 = PyUnicode_READ(kind, data, i);
        if (c1 < 128 ? !starts[c1] : !other_first) {
            continue;
        }
        PyObject *hit = NULL;
        if (i + 1 < n) { /* the needles of two characters or more, longest first */
            const Py_UCS4 c2 = PyUnicode_READ(kind, data, i + 1);
            PyObject *needles = (c1 < 128 && c2 < 128) ? pairs[c1 * 128 + c2]
                                                       : bucket_of(other, n_other, c1, c2);
            if (needles != NULL) {
                hit = first_fit(needles, kind, data, n, i, 2, whole);
            }
        }
        if (hit == NULL) { /* then the needle of one character */
            PyObject *needles = c1 < 128 ? singles[c1] : bucket_of(other, n_other, c1, NO_SECOND);
            if (needles != NULL) {
                hit = first_fit(needles, kind, data, n, i, 1, whole);
            }
        }
        if (hit != NULL) {
            PyObject *item = Py_BuildValue("(nO)", i, hit);
            if (item == NULL || PyList_Append(out, item) < 0) {
                Py_XDECREF(item);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(item);
        }
    }
done:
    PyMem_Free(pairs);
    PyMem_Free(other);
    return out;
}

/* compound_pairs(text): re.findall(r"([A-Za-z0-9]+)-([A-Za-z]+)", text), found from the
 * hyphens (the twin: ``textmend.rules.spacing._compounds_py``, which walks the hyphens with
 * ``str.find`` and Python per hyphen).  A match is the run of ASCII letters and digits before
 * a hyphen, cut at the end of the previous match, and the ASCII letters after it. */
static int
is_ascii_alnum(Py_UCS4 c)
{
    return c < 128 && (LETTER[c] || (c >= '0' && c <= '9'));
}

static PyObject *
compound_pairs(PyObject *module, PyObject *arg)
{
    (void)module;
    if (ready_str(arg, "compound_pairs") < 0) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t pos = 0; /* where the previous match ended */
    for (Py_ssize_t h = 1; h + 1 < n; h++) {
        if (PyUnicode_READ(kind, data, h) != '-' || h - 1 < pos
                || !is_ascii_alnum(PyUnicode_READ(kind, data, h - 1))
                || !is_ascii_letter(PyUnicode_READ(kind, data, h + 1))) {
            continue;
        }
        Py_ssize_t st = h - 1;
        while (st > pos && is_ascii_alnum(PyUnicode_READ(kind, data, st - 1))) {
            st--;
        }
        Py_ssize_t e = h + 1;
        while (e < n && is_ascii_letter(PyUnicode_READ(kind, data, e))) {
            e++;
        }
        PyObject *left = PyUnicode_Substring(arg, st, h);
        PyObject *right = left ? PyUnicode_Substring(arg, h + 1, e) : NULL;
        PyObject *pair = right ? PyTuple_Pack(2, left, right) : NULL;
        Py_XDECREF(left);
        Py_XDECREF(right);
        if (pair == NULL || PyList_Append(out, pair) < 0) {
            Py_XDECREF(pair);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(pair);
        pos = e;
        h = e - 1; /* (the loop goes on from e) */
    }
    return out;
}

static PyMethodDef speedups_methods[] = {
    {"compound_pairs", compound_pairs, METH_O,
     "compound_pairs(text, /)\n--\n\n"
     "re.findall(r\"([A-Za-z0-9]+)-([A-Za-z]+)\", text), found from the hyphens."},
    {"needle_hits", needle_hits, METH_VARARGS,
     "needle_hits(text, table, whole, /)\n--\n\n"
     "[(i, needle), ...]: the longest needle starting at each position (whole: not followed\n"
     "by an ASCII letter); table maps the first two characters of each needle (one, for a\n"
     "needle of one character) to the needles that open with them, longest first."},
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
    NULL,
    NULL,
    NULL,
    NULL,
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
