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

static PyMethodDef speedups_methods[] = {
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
