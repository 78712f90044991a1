/* image.h - what an uploaded image is, from its first bytes only.
 *
 * image_probe recognises PNG (signature + IHDR) and baseline/extended/
 * progressive JPEG (SOI, then markers up to an SOF0/1/2 frame header) and
 * reads their size without decoding anything.  Pure and thread-safe; the
 * strings it returns are static.
 */
#ifndef GENBA_IMAGE_H
#define GENBA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum image_kind { IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG } image_kind;

typedef struct image_info {
    image_kind kind;
    const char *content_type;   /* "image/png", "image/jpeg" */
    const char *ext;            /* "png", "jpg" */
    uint32_t width, height;     /* pixels */
    const char *why;            /* when refused: a short English reason */
} image_info;

/* Identify data[0..len): true for a PNG or JPEG whose header is complete,
 * whose width and height are not zero and whose width × height is at most
 * max_pixels (0: no limit).  On false, out->why says why ("not a PNG or
 * JPEG image", "truncated image header", "image has no size",
 * "image has too many pixels", "unsupported JPEG coding"). */
bool image_probe(const void *data, size_t len, uint64_t max_pixels, image_info *out);

#endif
