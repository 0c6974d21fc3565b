package admin

import (
	"embed"
	"net/http"
	"strings"
)

// The admin UI's pages: each is pages/<name>.html in the shared shell
// (header, navigation, who is signed in), with the shared admin.js and its
// own script, under a policy that allows scripts and styles from
// /admin/assets/ only. A page holds no data: its script asks the API, and
// goes to the sign-in page when the browser is not signed in.

//go:embed pages
var pageFiles embed.FS

// adminPages are the pages in the navigation: path, name, title.
var adminPages = []struct{ path, name, title string }{
	{"/admin/{$}", "mapping", "Field mapping"},
	{"/admin/health", "health", "Sync health"},
	{"/admin/identities", "identities", "Identities"},
	{"/admin/cases", "cases", "Cases"},
}

// assets are the files under /admin/assets/ and their types.
var assets = map[string]string{
	"ops.css": "text/css; charset=utf-8", "admin.js": "text/javascript; charset=utf-8",
	"ops.js": "text/javascript; charset=utf-8", "mapping.js": "text/javascript; charset=utf-8",
	"signin.js": "text/javascript; charset=utf-8",
}

// pageHeaders are the security headers of every page: scripts and styles
// only from /admin/assets/, no framing.
func pageHeaders(w http.ResponseWriter, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

func serveBytes(b []byte, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		pageHeaders(w, contentType)
		_, _ = w.Write(b)
	}
}

func embedded(name string) []byte {
	b, err := pageFiles.ReadFile("pages/" + name)
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	return b
}

// adminPage is one page: pages/<name>.html in the shared shell, its nav
// link marked current, its script loaded after admin.js.
func adminPage(name, title string) []byte {
	pairs := []string{"{{TITLE}}", title, "{{PAGE}}", name, "{{BODY}}", string(embedded(name + ".html"))}
	script := "ops"
	if name == "mapping" {
		script = "mapping"
	}
	pairs = append(pairs, "{{SCRIPT}}", script)
	for _, p := range adminPages {
		current := ""
		if p.name == name {
			current = ` aria-current="page"`
		}
		pairs = append(pairs, "{{CURRENT_"+strings.ToUpper(p.name)+"}}", current)
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(embedded("shell.html"))))
}

// registerPages adds the pages, the sign-in page and the assets to mux.
func registerPages(mux *http.ServeMux) {
	const html = "text/html; charset=utf-8"
	for _, p := range adminPages {
		mux.HandleFunc("GET "+p.path, serveBytes(adminPage(p.name, p.title), html))
	}
	mux.HandleFunc("GET "+signInPath, serveBytes(embedded("signin.html"), html))
	for name, typ := range assets {
		mux.HandleFunc("GET /admin/assets/"+name, serveBytes(embedded("assets/"+name), typ))
	}
}
