package gateway

import "testing"

func TestParsePath(t *testing.T) {
	for _, c := range []struct {
		in    string
		fault pathFault
		want  string
	}{
		{"/", pathOK, "/"},
		{"/store/auth/login", pathOK, "/store/auth/login"},
		{"/store/auth/login/", pathOK, "/store/auth/login"},
		{"/store/auth/%6Cogin", pathOK, "/store/auth/login"},
		{"/store/auth/%6cogin", pathOK, "/store/auth/login"},
		{"/a%2Fb/c", pathOK, "/a%2Fb/c"},
		{"/a%2fb/c", pathOK, "/a%2Fb/c"},
		{"/a%20b", pathOK, "/a%20b"},
		{"/a+b", pathOK, "/a+b"},
		{"/%25", pathOK, "/%25"},
		{"/%2525", pathOK, "/%2525"},
		{"store/auth", pathNotAbsolute, ""},
		{"", pathNotAbsolute, ""},
		{"*", pathNotAbsolute, ""},
		{"/store/auth/%zzogin", pathMalformedEscape, ""},
		{"/store/auth/login%", pathMalformedEscape, ""},
		{"/store/auth/login%6", pathMalformedEscape, ""},
		{"/store/%G1", pathMalformedEscape, ""},
		{"/./%zz", pathMalformedEscape, ""},
		{"//", pathNotClean, ""},
		{"/a//b", pathNotClean, ""},
		{"/a/./b", pathNotClean, ""},
		{"/a/../b", pathNotClean, ""},
		{"/a/%2e%2E/b", pathNotClean, ""},
		{"/a/.%2e", pathNotClean, ""},
		{"/a/%2E", pathNotClean, ""},
		{"/a/x%2F..%2Fb", pathNotClean, ""},
		{"/a/x%2F%2Fb", pathNotClean, ""},
		{"/a/%2F", pathNotClean, ""},
		{"/a/x%2F.", pathNotClean, ""},
	} {
		p, fault := parsePath(c.in)
		if fault != c.fault {
			t.Errorf("parsePath(%q) fault %d, want %d", c.in, fault, c.fault)
			continue
		}
		if fault == pathOK && p.String() != c.want {
			t.Errorf("parsePath(%q) = %q, want %q", c.in, p.String(), c.want)
		}
	}
}
