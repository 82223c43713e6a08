package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assetFS embed.FS

// asset is one embedded static file, served under a content-hashed name with a one-year
// immutable cache lifetime.
type asset struct {
	name   string // e.g. "app.css"
	hashed string // e.g. "app.3f2a9c1b.css"
	body   []byte
	ctype  string
}

// Assets indexes the embedded static files by name and by hashed name.
type Assets struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

func loadAssets() (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		x := &asset{name: name, body: b, hashed: strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext, ctype: mime.TypeByExtension(ext)}
		if x.ctype == "" {
			x.ctype = "application/octet-stream"
		}
		a.byName[name] = x
		a.byHashed[x.hashed] = x
		return nil
	})
	return a, err
}

// URL returns the cache-busting URL of an asset.
func (a *Assets) URL(name string) string {
	if x, ok := a.byName[name]; ok {
		return "/assets/" + x.hashed
	}
	panic("web: unknown asset " + name)
}

// ServeHTTP serves /assets/{hashed}.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x, ok := a.byHashed[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", x.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(x.body)
}
