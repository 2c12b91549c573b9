package main

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/mercatohq/mercato/order"
)

// assets are the page templates and the style sheet, compiled into the
// binary so the shop runs from anywhere and needs no CDN.
//
//go:embed templates/*.html static/*
var assets embed.FS

// views are the parsed pages: each page template joined with the layout.
type views struct {
	pages map[string]*template.Template
	log   *slog.Logger
}

// parseViews parses every page under templates/ with layout.html.
func parseViews(log *slog.Logger) (*views, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}, log: log}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs()).ParseFS(assets, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		v.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return v, nil
}

// render writes page name with data and status. The page is rendered
// into memory first, so a template failure is a clean 500, never half a
// page.
func (v *views) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := v.pages[name]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = fmt.Errorf("no page %q", name)
	} else {
		err = t.ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
		v.log.ErrorContext(r.Context(), "render page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"money":   formatMoney,
		"stars":   stars,
		"starsOf": func(n int) string { return stars(int64(n) * 100) },
		"rating":  ratingText,
		"date":    func(t time.Time) string { return t.Local().Format("2 Jan 2006 15:04") },
		"status":  statusLabel,
	}
}

// stars draws a rating in hundredths of a star, rounded to whole stars.
func stars(hundredths int64) string {
	n := int((hundredths + 50) / 100)
	n = max(0, min(n, 5))
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// ratingText writes a rating in hundredths of a star as "4.3".
func ratingText(hundredths int64) string {
	tenths := (hundredths + 5) / 10
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// statusLabel names an order status for people: "payment pending".
func statusLabel(s order.Status) string { return strings.ReplaceAll(string(s), "_", " ") }
