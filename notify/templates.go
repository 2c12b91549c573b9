package notify

import (
	"bytes"
	"embed"
	htemplate "html/template"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	ttemplate "text/template"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// defaultTemplates are the templates Mercato ships, under
// templates/<event name>/<locale>/.
//
//go:embed all:templates
var defaultTemplates embed.FS

// The template files of one event and locale.
const (
	fileSubject   = "subject.txt" // text/template, one line
	fileEmailText = "email.txt"   // text/template
	fileEmailHTML = "email.html"  // html/template
	fileSMS       = "sms.txt"     // text/template
)

// DefaultLocale is the last locale every lookup falls back to.
const DefaultLocale = "en"

// localePattern accepts BCP 47-like tags: "en", "de-CH", "zh-Hant-TW".
var localePattern = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// blankLines are runs of empty lines, which conditional sections of a
// text template leave behind; a text body keeps one.
var blankLines = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+\n`)

// TemplateData is what every template executes with.
type TemplateData struct {
	// Event is the event name, e.g. "order.shipped".
	Event string
	// Shop holds the shop's name and public URL.
	Shop Shop
	// Recipient is the person the message is for.
	Recipient Recipient
	// Data is the event's data struct (OrderConfirmedData,
	// PasswordResetData, ...), as the binding or the Request carries it.
	Data any
}

// Shop is the sending shop as templates see it.
type Shop struct {
	Name    string
	BaseURL string
}

// compiled holds the parsed files of one event and locale; nil is absent.
type compiled struct {
	subject, text, sms *ttemplate.Template
	html               *htemplate.Template
}

// templateSet is every parsed template: event -> locale -> files.
type templateSet struct {
	events map[string]map[string]*compiled
}

// source is one template file's text and where it came from.
type source struct {
	origin string // "default" or "override", for error messages
	text   string
}

// loadTemplates parses the embedded templates with override's files
// winning path by path. A malformed path or template is InvalidArgument
// naming the file.
func loadTemplates(override fs.FS, funcs map[string]any) (*templateSet, error) {
	sources := make(map[string]source)
	defaults, err := fs.Sub(defaultTemplates, "templates")
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "notify: embedded templates: %w", err)
	}
	if err := collect(defaults, "default", sources); err != nil {
		return nil, err
	}
	if override != nil {
		if err := collect(override, "override", sources); err != nil {
			return nil, err
		}
	}
	set := &templateSet{events: make(map[string]map[string]*compiled)}
	paths := make([]string, 0, len(sources))
	for p := range sources {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		src := sources[p]
		parts := strings.Split(p, "/")
		event, locale, file := parts[0], parts[1], parts[2]
		locales := set.events[event]
		if locales == nil {
			locales = make(map[string]*compiled)
			set.events[event] = locales
		}
		c := locales[locale]
		if c == nil {
			c = &compiled{}
			locales[locale] = c
		}
		name := src.origin + ":" + p
		var perr error
		switch file {
		case fileEmailHTML:
			c.html, perr = htemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(src.text)
		default:
			var t *ttemplate.Template
			t, perr = ttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(src.text)
			switch file {
			case fileSubject:
				c.subject = t
			case fileEmailText:
				c.text = t
			case fileSMS:
				c.sms = t
			}
		}
		if perr != nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: template %s: %w", name, perr).WithDetail("file", p)
		}
	}
	return set, nil
}

// collect reads every <event>/<locale>/<file> of fsys into sources.
// Hidden files and directories are ignored; anything else out of that
// shape is an error, so a misspelt override does not silently do nothing.
func collect(fsys fs.FS, origin string, sources map[string]source) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return commerce.Errorf(commerce.CodeInvalidArgument, "notify: %s templates: %w", origin, err)
		}
		if p == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		parts := strings.Split(p, "/")
		bad := func(why string) error {
			return commerce.Errorf(commerce.CodeInvalidArgument, "notify: %s template %s: %s", origin, p, why).WithDetail("file", p)
		}
		switch {
		case d.IsDir():
			return nil
		case len(parts) != 3:
			return bad("want <event>/<locale>/<file>")
		}
		if commerce.ValidateEventName(parts[0]) != nil {
			return bad("directory is not an event name")
		}
		locale := normalizeLocale(parts[1])
		if !localePattern.MatchString(locale) {
			return bad("directory is not a locale such as en or de-CH")
		}
		switch parts[2] {
		case fileSubject, fileEmailText, fileEmailHTML, fileSMS:
		default:
			return bad("unknown file; want subject.txt, email.txt, email.html or sms.txt")
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return bad(err.Error())
		}
		sources[path.Join(parts[0], locale, parts[2])] = source{origin: origin, text: string(b)}
		return nil
	})
}

// normalizeLocale lower-cases a tag and uses "-" between its parts.
func normalizeLocale(l string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(l), "_", "-"))
}

// localeChain is the lookup order for locale: exact, language, default.
func localeChain(locale string) []string {
	l := normalizeLocale(locale)
	chain := make([]string, 0, 3)
	if l != "" {
		chain = append(chain, l)
		if lang, _, ok := strings.Cut(l, "-"); ok {
			chain = append(chain, lang)
		}
	}
	return append(chain, DefaultLocale)
}

// has reports whether event has any template.
func (s *templateSet) has(event string) bool { return len(s.events[event]) > 0 }

// find returns the first file along locale's chain that pick selects.
func find[T any](s *templateSet, event, locale string, pick func(*compiled) *T) *T {
	locales := s.events[event]
	for _, l := range localeChain(locale) {
		if c := locales[l]; c != nil {
			if t := pick(c); t != nil {
				return t
			}
		}
	}
	return nil
}

// rendered is a message's content before it has an ID and a recipient.
type rendered struct {
	subject, text, html string
}

// render renders event's templates of kind for data. ok is false when the
// event has no template for kind (it is not sent on that kind).
func (s *templateSet) render(event string, kind Kind, data TemplateData) (r rendered, ok bool, err error) {
	locale := data.Recipient.Locale
	if kind == SMS {
		sms := find(s, event, locale, func(c *compiled) *ttemplate.Template { return c.sms })
		if sms == nil {
			return r, false, nil
		}
		r.text, err = execText(sms, data)
		r.text = strings.TrimSpace(r.text)
		return r, err == nil, err
	}
	subject := find(s, event, locale, func(c *compiled) *ttemplate.Template { return c.subject })
	text := find(s, event, locale, func(c *compiled) *ttemplate.Template { return c.text })
	if subject == nil || text == nil {
		return r, false, nil
	}
	if r.subject, err = execText(subject, data); err != nil {
		return r, false, err
	}
	// A subject is one header line: newlines would break the mail.
	r.subject = strings.Join(strings.Fields(r.subject), " ")
	if r.text, err = execText(text, data); err != nil {
		return r, false, err
	}
	r.text = blankLines.ReplaceAllString(strings.TrimSpace(r.text), "\n\n") + "\n"
	if html := find(s, event, locale, func(c *compiled) *htemplate.Template { return c.html }); html != nil {
		var b bytes.Buffer
		if err := html.Execute(&b, data); err != nil {
			return r, false, commerce.Errorf(commerce.CodeInternal, "notify: render %s: %w", html.Name(), err)
		}
		r.html = b.String()
	}
	return r, true, nil
}

func execText(t *ttemplate.Template, data TemplateData) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", commerce.Errorf(commerce.CodeInternal, "notify: render %s: %w", t.Name(), err)
	}
	return b.String(), nil
}

// templateFuncs are the functions every template may call.
func templateFuncs(baseURL string) map[string]any {
	base := strings.TrimRight(baseURL, "/")
	return map[string]any{
		// url joins a path to the shop's BaseURL and adds query
		// parameters given as name, value pairs:
		// {{url "/account/reset-password" "token" .Data.Token}}.
		"url": func(p string, query ...string) (string, error) {
			if len(query)%2 != 0 {
				return "", commerce.Errorf(commerce.CodeInvalidArgument, "notify: url wants name, value pairs")
			}
			u := base + "/" + strings.TrimLeft(p, "/")
			if len(query) > 0 {
				q := url.Values{}
				for i := 0; i < len(query); i += 2 {
					q.Add(query[i], query[i+1])
				}
				u += "?" + q.Encode()
			}
			return u, nil
		},
		// date formats a time as "2 January 2006" (UTC).
		"date": func(t time.Time) string { return t.UTC().Format("2 January 2006") },
		// datetime formats a time as "2 January 2006 15:04 UTC".
		"datetime": func(t time.Time) string { return t.UTC().Format("2 January 2006 15:04 MST") },
	}
}
