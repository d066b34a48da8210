package blob

import (
	"encoding/binary"
	"io"
)

// JPEG markers the orientation reader cares about.
const (
	markerSOI  = 0xd8
	markerEOI  = 0xd9
	markerSOS  = 0xda
	markerAPP1 = 0xe1
)

// Orientation returns the EXIF orientation (1 to 8) of the JPEG in the
// size bytes of r, or 0 when it has none or the data cannot be read. It
// walks the segments before the image data and reads only the Exif APP1
// segment; image/jpeg ignores EXIF, so qms applies the orientation itself.
func Orientation(r io.ReaderAt, size int64) int {
	var hdr [4]byte
	if n, _ := r.ReadAt(hdr[:2], 0); n < 2 || hdr[0] != 0xff || hdr[1] != markerSOI {
		return 0
	}
	off := int64(2)
	for range 64 { // real files have a handful of segments before the image data
		if n, _ := r.ReadAt(hdr[:], off); n < 4 {
			return 0
		}
		if hdr[0] != 0xff {
			return 0
		}
		marker := hdr[1]
		switch {
		case marker == 0xff: // fill byte
			off++
			continue
		case marker == markerSOS, marker == markerEOI:
			return 0 // the image data starts: no Exif before it
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd7: // no length
			off += 2
			continue
		}
		length := int64(binary.BigEndian.Uint16(hdr[2:]))
		if length < 2 || off+2+length > size {
			return 0
		}
		if marker == markerAPP1 && length >= 2+6+8 {
			seg := make([]byte, length-2)
			if n, _ := r.ReadAt(seg, off+4); n == len(seg) && string(seg[:6]) == "Exif\x00\x00" {
				return tiffOrientation(seg[6:])
			}
		}
		off += 2 + length
	}
	return 0
}

// tiffOrientation reads the Orientation tag (0x0112) of the first image
// file directory of a TIFF structure (the Exif payload), or returns 0.
func tiffOrientation(b []byte) int {
	if len(b) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(b[2:]) != 42 {
		return 0
	}
	ifd := uint64(bo.Uint32(b[4:]))
	if ifd < 8 || ifd+2 > uint64(len(b)) {
		return 0
	}
	count := uint64(bo.Uint16(b[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > uint64(len(b)) {
			return 0
		}
		if bo.Uint16(b[e:]) != 0x0112 {
			continue
		}
		var v uint32
		switch typ := bo.Uint16(b[e+2:]); {
		case bo.Uint32(b[e+4:]) < 1:
			return 0
		case typ == 3: // SHORT, stored in the first two bytes of the value field
			v = uint32(bo.Uint16(b[e+8:]))
		case typ == 4: // LONG, seen in a few writers
			v = bo.Uint32(b[e+8:])
		default:
			return 0
		}
		if v >= 1 && v <= 8 {
			return int(v)
		}
		return 0
	}
	return 0
}
