// CVips: libvips for Swift.
//
// Why a header of `static inline` wrappers inside the system-library target (and not a C target with
// a .c file): libvips' operations take their optional arguments as NULL-terminated C varargs, which
// Swift cannot call, so each operation we use gets one fixed-argument wrapper here. A C target cannot
// read pkg-config, so its include paths (glib, vips) would need unsafe flags; as `static inline`
// functions in the system library's own header they are compiled by the Swift importer with the
// flags pkg-config gives, and there is only one target to maintain.
//
// Every wrapper returns libvips' status (0 = success, -1 = failure with the reason in
// vips_error_buffer) or NULL for the constructors. Outputs are new references the caller unrefs
// (g_object_unref) or frees (g_free for buffers).
#ifndef BLUEPRINT_CVIPS_SHIM_H
#define BLUEPRINT_CVIPS_SHIM_H

#include <vips/vips.h>

// ---- process setup ----

/// vips_init plus our process-wide limits: no operation cache (each upload is seen once; the cache
/// would only hold memory), one worker thread per operation (our own pool spreads work over the
/// cores), leak checks off.
static inline int bp_vips_setup(const char *argv0) {
    if (vips_init(argv0) != 0) return -1;
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    vips_concurrency_set(1);
    vips_leak_set(FALSE);
    return 0;
}

// ---- loading (lazy: these read the header only; pixels are decoded when something asks) ----

static inline VipsImage *bp_vips_new_from_file(const char *filename, VipsAccess access, VipsFailOn fail_on) {
    return vips_image_new_from_file(filename, "access", access, "fail_on", fail_on, NULL);
}

static inline VipsImage *bp_vips_new_from_buffer(const void *buf, size_t len, VipsAccess access, VipsFailOn fail_on) {
    return vips_image_new_from_buffer(buf, len, "", "access", access, "fail_on", fail_on, NULL);
}

/// Page/frame `page` of a multi-page file (TIFF, GIF, WebP, HEIF); only loaders with pages accept it.
static inline VipsImage *bp_vips_new_page_from_file(const char *filename, int page, VipsAccess access, VipsFailOn fail_on) {
    return vips_image_new_from_file(filename, "page", page, "access", access, "fail_on", fail_on, NULL);
}

/// One page of a PDF (pdfload, poppler) at `dpi`, rendered on white. Lazy: the header holds the
/// page's size and `n-pages`.
static inline int bp_vips_pdfload(const char *filename, VipsImage **out, int page, double dpi) {
    return vips_pdfload(filename, out, "page", page, "n", 1, "dpi", dpi,
                        "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
}

static inline int bp_vips_pdfload_buffer(void *buf, size_t len, VipsImage **out, int page, double dpi) {
    return vips_pdfload_buffer(buf, len, out, "page", page, "n", 1, "dpi", dpi,
                               "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
}

// ---- resizing ----

/// Shrink-on-load thumbnail of a file: the loader decodes at a reduced scale when it can (JPEG DCT
/// scaling, WebP, PDF/SVG dpi), then resizes; auto-rotates per EXIF orientation.
static inline int bp_vips_thumbnail(const char *filename, VipsImage **out, int width, int height,
                                    VipsInteresting crop, VipsSize size, VipsFailOn fail_on) {
    return vips_thumbnail(filename, out, width, "height", height, "crop", crop, "size", size,
                          "fail_on", fail_on, NULL);
}

static inline int bp_vips_thumbnail_buffer(void *buf, size_t len, VipsImage **out, int width, int height,
                                           VipsInteresting crop, VipsSize size, VipsFailOn fail_on) {
    return vips_thumbnail_buffer(buf, len, out, width, "height", height, "crop", crop, "size", size,
                                 "fail_on", fail_on, NULL);
}

static inline int bp_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height,
                                          VipsInteresting crop, VipsSize size) {
    return vips_thumbnail_image(in, out, width, "height", height, "crop", crop, "size", size, NULL);
}

static inline int bp_vips_smartcrop(VipsImage *in, VipsImage **out, int width, int height, VipsInteresting interesting) {
    return vips_smartcrop(in, out, width, height, "interesting", interesting, NULL);
}

static inline int bp_vips_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

// ---- pixels ----

/// Alpha composed over white (a transparent PNG must not OCR as black).
static inline int bp_vips_flatten_white(VipsImage *in, VipsImage **out) {
    double white[1] = {255.0};
    VipsArrayDouble *background = vips_array_double_new(white, 1);
    int status = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

static inline int bp_vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return vips_colourspace(in, out, space, NULL);
}

static inline int bp_vips_cast(VipsImage *in, VipsImage **out, VipsBandFormat format) {
    return vips_cast(in, out, format, NULL);
}

static inline int bp_vips_extract_band(VipsImage *in, VipsImage **out, int band) {
    return vips_extract_band(in, out, band, "n", 1, NULL);
}

// ---- saving (strip = no EXIF, XMP, IPTC or ICC in the output) ----

static inline int bp_vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, gboolean strip) {
    return vips_webpsave_buffer(in, buf, len, "Q", quality, "strip", strip, NULL);
}

static inline int bp_vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, gboolean strip) {
    return vips_jpegsave_buffer(in, buf, len, "Q", quality, "strip", strip, NULL);
}

static inline int bp_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len) {
    return vips_pngsave_buffer(in, buf, len, NULL);
}

// ---- synthetic images (tests and benchmarks) ----

static inline int bp_vips_gaussnoise(VipsImage **out, int width, int height, double mean, double sigma) {
    return vips_gaussnoise(out, width, height, "mean", mean, "sigma", sigma, NULL);
}

static inline int bp_vips_xyz(VipsImage **out, int width, int height) {
    return vips_xyz(out, width, height, NULL);
}

static inline int bp_vips_black(VipsImage **out, int width, int height, int bands) {
    return vips_black(out, width, height, "bands", bands, NULL);
}

static inline int bp_vips_bandjoin3(VipsImage *a, VipsImage *b, VipsImage *c, VipsImage **out) {
    VipsImage *in[3] = {a, b, c};
    return vips_bandjoin(in, out, 3, NULL);
}

static inline int bp_vips_linear1(VipsImage *in, VipsImage **out, double a, double b) {
    return vips_linear1(in, out, a, b, NULL);
}

static inline int bp_vips_write_to_file(VipsImage *in, const char *filename) {
    return vips_image_write_to_file(in, filename, NULL);
}

static inline int bp_vips_jpegsave(VipsImage *in, const char *filename, int quality) {
    return vips_jpegsave(in, filename, "Q", quality, NULL);
}

// ---- header fields ----

/// The loader's nickname (`jpegload`, `pngload_buffer`...) or NULL.
static inline const char *bp_vips_header_loader(VipsImage *image) {
    const char *value = NULL;
    if (vips_image_get_typeof(image, "vips-loader") == 0) return NULL;
    if (vips_image_get_string(image, "vips-loader", &value) != 0) return NULL;
    return value;
}

static inline int bp_vips_header_width(VipsImage *image) { return vips_image_get_width(image); }
static inline int bp_vips_header_height(VipsImage *image) { return vips_image_get_height(image); }
static inline int bp_vips_header_bands(VipsImage *image) { return vips_image_get_bands(image); }
static inline int bp_vips_header_orientation(VipsImage *image) { return vips_image_get_orientation(image); }
static inline int bp_vips_header_n_pages(VipsImage *image) { return vips_image_get_n_pages(image); }
static inline int bp_vips_header_page_height(VipsImage *image) { return vips_image_get_page_height(image); }
static inline gboolean bp_vips_header_has(VipsImage *image, const char *field) {
    return vips_image_get_typeof(image, field) != 0;
}

/// True when the image carries any of the metadata blocks `strip` removes.
static inline gboolean bp_vips_header_has_metadata(VipsImage *image) {
    return bp_vips_header_has(image, VIPS_META_EXIF_NAME) || bp_vips_header_has(image, VIPS_META_XMP_NAME)
        || bp_vips_header_has(image, VIPS_META_IPTC_NAME) || bp_vips_header_has(image, VIPS_META_ICC_NAME);
}

static inline void bp_vips_unref(VipsImage *image) { g_object_unref(image); }
static inline void bp_vips_free(void *buf) { g_free(buf); }

#endif
