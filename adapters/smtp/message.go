package smtp

import (
	"bytes"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/mercatohq/mercato/notify"
)

// maxHeaderLine is the line length headers are folded to (RFC 5322
// recommends 78 characters).
const maxHeaderLine = 78

// compose renders m as an RFC 5322 message with CRLF line endings, ready
// for DATA (before dot-stuffing, which the SMTP writer does).
func compose(m notify.Message, from *mail.Address, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	to := &mail.Address{Name: m.ToName, Address: m.To}
	header(&b, "Date", now.Format(time.RFC1123Z))
	header(&b, "From", from.String())
	header(&b, "To", to.String())
	header(&b, "Subject", encodeText(m.Subject, len("Subject: ")))
	header(&b, "Message-ID", messageID(m, from.Address))
	header(&b, "MIME-Version", "1.0")
	// RFC 3834: automatic replies must not answer this message.
	header(&b, "Auto-Submitted", "auto-generated")
	if m.Event != "" {
		header(&b, "X-Mercato-Event", encodeText(m.Event, len("X-Mercato-Event: ")))
	}
	if m.HTML == "" {
		header(&b, "Content-Type", "text/plain; charset=utf-8")
		header(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	header(&b, "Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	// Least faithful first: clients show the last part they can render.
	for _, p := range []struct{ contentType, text string }{
		{"text/plain; charset=utf-8", m.Text},
		{"text/html; charset=utf-8", m.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, p.text); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// header writes one header field. Values are already encoded and folded.
func header(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(value)
	b.WriteString("\r\n")
}

// writeQP writes s in quoted-printable, which keeps every line under 76
// characters and the body 7-bit whatever s holds; bare LFs become CRLF.
func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(s)); err != nil {
		return err
	}
	return qp.Close()
}

// messageID derives the Message-ID from the notification ID, so the same
// notification always carries the same Message-ID.
func messageID(m notify.Message, from string) string {
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return "<" + m.ID.String() + "@" + domain + ">"
}

// encodeText makes s safe as an unstructured header value: RFC 2047
// encoded words when it holds anything but printable ASCII (line breaks
// included, so a value can never inject a header), folded so no line
// exceeds maxHeaderLine where spaces allow. used is what the line already
// holds ("Subject: ").
func encodeText(s string, used int) string {
	enc := mime.QEncoding.Encode("utf-8", s)
	if enc != s {
		// The encoder splits long values into words of at most 75
		// characters separated by a space; whitespace between encoded
		// words is not part of the text, so a fold there changes nothing.
		return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
	}
	return foldASCII(s, used)
}

// foldASCII inserts CRLF before spaces so lines stay under maxHeaderLine
// where possible; unfolding (removing the CRLFs) restores s exactly.
func foldASCII(s string, used int) string {
	if used+len(s) <= maxHeaderLine {
		return s
	}
	var b strings.Builder
	line := used
	for i, word := range strings.Split(s, " ") {
		if i > 0 {
			if line+1+len(word) > maxHeaderLine && line > 1 {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
