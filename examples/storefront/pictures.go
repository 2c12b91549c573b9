package main

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// The product pictures are drawn by the shop: an SVG per product, its
// department's backdrop, its category's object in the product's first
// colour. No image leaves the shop, none comes from elsewhere, and
// nothing of the product's own text goes into the drawing, so there is
// nothing in it to escape.

// picturesPath is where the pictures are served: picturesPath + handle +
// ".svg".
const picturesPath = "/images/products/"

// pictureURL is the picture of the product with handle, under baseURL.
func pictureURL(baseURL, handle string) string {
	return baseURL + picturesPath + handle + ".svg"
}

// picture serves a product's picture.
func (w *web) picture(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	handle, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	if !ok || catalog.Slugify(handle) != handle {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no picture %q", r.PathValue("file")))
		return
	}
	p, err := w.s.catalog.GetProductByHandle(ctx, handle)
	if err == nil && p.Status != catalog.StatusActive {
		err = commerce.Errorf(commerce.CodeNotFound, "product %q is not on sale", handle)
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	var department, category string
	if len(p.CategoryIDs) > 0 {
		if c, err := w.s.catalog.GetCategory(ctx, p.CategoryIDs[0]); err == nil {
			category, department = c.Name, c.Name
			if len(c.Path) > 0 {
				if d, err := w.s.catalog.GetCategory(ctx, c.Path[0]); err == nil {
					department = d.Name
				}
			}
		}
	}
	var colour string
	if len(p.Variants) > 0 {
		colour = p.Variants[0].Options["colour"]
	}
	h := rw.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "public, max-age=3600")
	// An SVG opened on its own is a document: it may not run anything.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	_, _ = rw.Write(drawPicture(handle, department, category, colour))
}

// paint is a fill and its outline.
type paint struct{ fill, line string }

// colourPaint is the paint of a colour option; unknown colours are a
// neutral grey.
func colourPaint(name string) paint {
	switch strings.ToLower(name) {
	case "black":
		return paint{"#2b2d31", "#0f1012"}
	case "white":
		return paint{"#fbfbf8", "#9a9ca0"}
	case "silver":
		return paint{"#cdd1d6", "#7f858c"}
	case "blue":
		return paint{"#2f6fd6", "#1b4590"}
	case "red":
		return paint{"#d9443b", "#8f241e"}
	case "green":
		return paint{"#2f9e5b", "#1c6339"}
	case "graphite":
		return paint{"#55595f", "#2c2f33"}
	case "sand":
		return paint{"#dcc59c", "#9b8254"}
	}
	return paint{"#9aa3ad", "#5b636c"}
}

// backdrop is the two-tone gradient of a department.
func backdrop(department string) (from, to, accent string) {
	switch department {
	case "Electronics":
		return "#eef3fd", "#d3e0f8", "#b9cdf2"
	case "Apparel":
		return "#fdf2ec", "#f7dccd", "#f0c3ab"
	case "Home":
		return "#eef7f0", "#d2eadb", "#b5dcc2"
	case "Sports":
		return "#fff7e3", "#ffe6b0", "#ffd47a"
	}
	return "#f3f3f1", "#e2e2dd", "#cfcfc8"
}

// drawPicture draws the picture of a product: deterministic, so the same
// product always looks the same, and varied by its handle, so products
// of one category do not all look alike.
func drawPicture(handle, department, category, colour string) []byte {
	hash := fnv.New64a()
	hash.Write([]byte(handle))
	seed := hash.Sum64()
	draw := func(n uint64) int { v := int(seed % n); seed /= n; return v }

	from, to, accent := backdrop(department)
	pt := colourPaint(colour)
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300" role="img">`)
	fmt.Fprintf(&b, `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient>`, from, to)
	b.WriteString(`<radialGradient id="shine" cx="0.35" cy="0.3" r="0.8"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>`)
	b.WriteString(`<rect width="400" height="300" fill="url(#bg)"/>`)
	// Two soft discs behind the object, placed by the handle.
	for range 2 {
		fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="%s" opacity="0.55"/>`, 40+draw(320), 30+draw(240), 30+draw(60), accent)
	}
	b.WriteString(`<ellipse cx="200" cy="262" rx="110" ry="12" fill="#000" opacity="0.08"/>`)
	tilt := draw(13) - 6
	fmt.Fprintf(&b, `<g transform="rotate(%d 200 150)" fill="%s" stroke="%s" stroke-width="4" stroke-linejoin="round" stroke-linecap="round">`, tilt, pt.fill, pt.line)
	b.WriteString(objectOf(category, pt))
	b.WriteString(`</g>`)
	b.WriteString(`<rect width="400" height="300" fill="url(#shine)"/></svg>`)
	return b.Bytes()
}

// objectOf draws the object sold in a category of the demo catalog, in
// the group's fill and stroke; a category it does not know gets a
// parcel.
func objectOf(category string, pt paint) string {
	detail := func(s string) string { return strings.ReplaceAll(s, "LINE", pt.line) }
	switch category {
	case "Phones":
		return detail(`<rect x="150" y="50" width="100" height="200" rx="18"/><rect x="160" y="68" width="80" height="160" rx="6" fill="#1d2430" stroke="none"/><circle cx="200" cy="59" r="3" fill="LINE" stroke="none"/><path d="M168 80 l30 0" stroke="#ffffff" stroke-opacity="0.3"/>`)
	case "Laptops":
		return detail(`<rect x="110" y="70" width="180" height="120" rx="10"/><rect x="122" y="82" width="156" height="96" rx="3" fill="#1d2430" stroke="none"/><path d="M80 196 h240 l-14 26 h-212 z"/><path d="M180 206 h40" stroke="LINE"/>`)
	case "Headphones":
		return detail(`<path d="M120 170 v-30 a80 80 0 0 1 160 0 v30" fill="none" stroke-width="14" stroke="LINE"/><rect x="100" y="150" width="44" height="76" rx="20"/><rect x="256" y="150" width="44" height="76" rx="20"/>`)
	case "Speakers":
		return detail(`<rect x="135" y="45" width="130" height="210" rx="22"/><circle cx="200" cy="100" r="26" fill="LINE"/><circle cx="200" cy="100" r="9" fill="#ffffff" fill-opacity="0.3" stroke="none"/><circle cx="200" cy="185" r="44" fill="LINE"/><circle cx="200" cy="185" r="16" fill="#ffffff" fill-opacity="0.3" stroke="none"/>`)
	case "Cameras":
		return detail(`<path d="M150 95 l14 -22 h52 l14 22 z"/><rect x="95" y="95" width="210" height="130" rx="18"/><circle cx="200" cy="160" r="48" fill="LINE"/><circle cx="200" cy="160" r="32" fill="#1d2430"/><circle cx="188" cy="148" r="8" fill="#ffffff" fill-opacity="0.5" stroke="none"/><rect x="262" y="108" width="26" height="14" rx="4" fill="#ffffff" fill-opacity="0.6"/>`)
	case "Men":
		return detail(`<path d="M160 60 l-62 30 l20 48 l26 -12 v124 h112 v-124 l26 12 l20 -48 l-62 -30 q-40 26 -80 0 z"/><path d="M178 64 q22 22 44 0" fill="none" stroke="LINE"/>`)
	case "Women":
		return detail(`<path d="M172 52 h56 l-6 58 q50 60 66 140 h-176 q16 -80 66 -140 z"/><path d="M178 110 h44" stroke="LINE"/><path d="M172 52 l-8 -10 M228 52 l8 -10" fill="none"/>`)
	case "Shoes":
		return detail(`<path d="M90 210 v-70 q0 -14 14 -14 h40 q10 40 60 50 l70 14 q36 8 36 30 v8 z"/><path d="M86 214 h228 v14 h-228 z" fill="#ffffff" stroke="LINE"/><path d="M150 140 l14 10 M160 130 l14 10 M170 122 l14 10" stroke="LINE"/>`)
	case "Accessories":
		return detail(`<path d="M170 80 v-14 a30 30 0 0 1 60 0 v14" fill="none" stroke="LINE" stroke-width="10"/><rect x="130" y="80" width="140" height="170" rx="28"/><rect x="155" y="165" width="90" height="60" rx="12" fill="LINE" fill-opacity="0.35"/><path d="M155 110 h90" stroke="LINE"/>`)
	case "Kitchen":
		return detail(`<path d="M125 110 h150 l-12 120 q-4 20 -24 20 h-78 q-20 0 -24 -20 z"/><path d="M275 130 q40 0 40 35 q0 30 -44 40" fill="none" stroke="LINE" stroke-width="10"/><path d="M125 110 l-30 -14" stroke="LINE" stroke-width="8"/><rect x="170" y="88" width="60" height="22" rx="8"/>`)
	case "Furniture":
		return detail(`<rect x="130" y="50" width="140" height="110" rx="20"/><rect x="110" y="160" width="180" height="36" rx="12"/><path d="M135 196 l-10 56 M265 196 l10 56 M170 196 l-4 40 M230 196 l4 40" stroke="LINE" stroke-width="9"/>`)
	case "Lighting":
		return detail(`<path d="M150 60 h100 l30 80 h-160 z"/><path d="M200 140 v90" stroke="LINE" stroke-width="9"/><ellipse cx="200" cy="236" rx="54" ry="14"/><ellipse cx="200" cy="150" rx="40" ry="8" fill="#fff6c8" stroke="none" opacity="0.9"/>`)
	case "Outdoor":
		return detail(`<path d="M200 60 l110 180 h-220 z"/><path d="M200 60 l-34 180 h68 z" fill="LINE" fill-opacity="0.45"/><path d="M200 60 v-16" stroke="LINE"/><path d="M70 240 h260" stroke="LINE"/>`)
	case "Fitness":
		return detail(`<rect x="120" y="140" width="160" height="20" rx="8" fill="LINE"/><rect x="92" y="96" width="36" height="108" rx="10"/><rect x="272" y="96" width="36" height="108" rx="10"/><rect x="70" y="118" width="26" height="64" rx="8"/><rect x="304" y="118" width="26" height="64" rx="8"/>`)
	case "Cycling":
		return detail(`<path d="M90 190 q0 -110 110 -110 q110 0 110 110 z"/><path d="M120 150 q80 -70 160 0" fill="none" stroke="LINE"/><path d="M150 100 l-10 40 M200 86 v50 M250 100 l10 40" stroke="LINE" stroke-width="8"/><path d="M90 190 h220" stroke="LINE" stroke-width="8"/>`)
	}
	return detail(`<rect x="110" y="90" width="180" height="140" rx="10"/><path d="M110 130 h180 M200 90 v40" stroke="LINE"/>`)
}
