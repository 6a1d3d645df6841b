// Tesseract's C API and the parts of leptonica the OCR target uses (decoding, headers,
// rotation, gray conversion). pkg-config `tesseract` also brings leptonica's include path.
#ifndef BLUEPRINT_CTESSERACT_SHIM_H
#define BLUEPRINT_CTESSERACT_SHIM_H
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>
#endif
