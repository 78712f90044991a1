/* image.c - image type and size from the header bytes: see image.h. */
#include "util/image.h"

#include <string.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static bool refuse(image_info *out, const char *why)
{
    out->why = why;
    return false;
}

static bool probe_png(const unsigned char *p, size_t len, image_info *out)
{
    /* signature (8), IHDR length (4) = 13, "IHDR", width, height, depth,
     * colour type, compression, filter, interlace, CRC (4) */
    if (len < 8 + 8 + 13 + 4)
        return refuse(out, "truncated image header");
    if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4))
        return refuse(out, "not a PNG or JPEG image");
    out->width = be32(p + 16);
    out->height = be32(p + 20);
    unsigned depth = p[24], colour = p[25];
    bool ok;
    switch (colour) {
    case 0: ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
    case 3: ok = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
    case 2: case 4: case 6: ok = depth == 8 || depth == 16; break;
    default: ok = false; break;
    }
    if (!ok || p[26] != 0 || p[27] != 0 || p[28] > 1)
        return refuse(out, "not a PNG or JPEG image");
    if (out->width > 0x7fffffffu || out->height > 0x7fffffffu)
        return refuse(out, "image has too many pixels");
    return true;
}

static bool probe_jpeg(const unsigned char *p, size_t len, image_info *out)
{
    size_t i = 2;   /* after SOI */
    for (;;) {
        if (i >= len)
            return refuse(out, "truncated image header");
        if (p[i] != 0xFF)
            return refuse(out, "not a PNG or JPEG image");
        while (i < len && p[i] == 0xFF)   /* fill bytes */
            i++;
        if (i >= len)
            return refuse(out, "truncated image header");
        unsigned m = p[i++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))   /* TEM, RSTn: no length */
            continue;
        if (m == 0xD8 || m == 0xD9 || m == 0xDA || m == 0x00)
            return refuse(out, "not a PNG or JPEG image");   /* no frame before the data */
        if (i + 2 > len)
            return refuse(out, "truncated image header");
        size_t seglen = be16(p + i);
        if (seglen < 2)
            return refuse(out, "not a PNG or JPEG image");
        if (m == 0xC0 || m == 0xC1 || m == 0xC2) {
            /* length, precision, height, width, components */
            if (seglen < 8)
                return refuse(out, "not a PNG or JPEG image");
            if (i + 8 > len)
                return refuse(out, "truncated image header");
            out->height = be16(p + i + 3);
            out->width = be16(p + i + 5);
            if (p[i + 7] == 0)
                return refuse(out, "not a PNG or JPEG image");
            return true;
        }
        if ((m >= 0xC3 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC)
            return refuse(out, "unsupported JPEG coding");   /* lossless, hierarchical, arithmetic */
        i += seglen;
    }
}

bool image_probe(const void *data, size_t len, uint64_t max_pixels, image_info *out)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    const unsigned char *p = data;
    memset(out, 0, sizeof *out);
    if (!data || len == 0)
        return refuse(out, "truncated image header");
    bool ok;
    if (len >= 8 && !memcmp(p, png_sig, 8)) {
        out->kind = IMAGE_PNG;
        out->content_type = "image/png";
        out->ext = "png";
        ok = probe_png(p, len, out);
    } else if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        out->kind = IMAGE_JPEG;
        out->content_type = "image/jpeg";
        out->ext = "jpg";
        ok = probe_jpeg(p, len, out);
    } else {
        bool prefix = (len < 8 && !memcmp(p, png_sig, len)) ||
                      (len < 3 && (len == 0 || p[0] == 0xFF) && (len < 2 || p[1] == 0xD8));
        return refuse(out, prefix ? "truncated image header" : "not a PNG or JPEG image");
    }
    if (!ok)
        return false;
    if (out->width == 0 || out->height == 0)
        return refuse(out, "image has no size");
    if (max_pixels && (uint64_t)out->width * out->height > max_pixels)
        return refuse(out, "image has too many pixels");
    return true;
}
