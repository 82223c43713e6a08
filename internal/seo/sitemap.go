package seo

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
)

// MaxPerFile is the sitemap protocol's limit of URLs in one file (and 50 MB, which
// 50,000 of our URLs stay far below).
const MaxPerFile = 50000

// Entry is one page in a sitemap.
type Entry struct {
	Path    string // "/p/…", absolute against the public URL when written
	LastMod time.Time
}

// File is one child sitemap of a source: where its entries start and the latest
// modification among them.
type File struct {
	// After is the sort key of the entry before the file's first ("" for the first
	// file): files are read by key, not by offset, so the 20th file of a million
	// products costs what the first does.
	After   string
	LastMod time.Time
}

// Source lists one kind of page (products, stores, categories, channel pages). A new
// kind of page joins the sitemaps by adding a Source.
type Source interface {
	// Name names the child sitemaps: /sitemaps/{name}-{n}.xml. Lowercase letters only.
	Name() string
	// Files splits the entries, in a stable key order, into files of per (none when
	// there is nothing to list).
	Files(ctx context.Context, per int) ([]File, error)
	// Entries calls fn for up to per entries after f.After, in key order.
	Entries(ctx context.Context, f File, per int, fn func(Entry) error) error
}

// Sitemaps writes the sitemap index and its child files, streaming: no file is built
// in memory, so a million products cost a buffered writer, not a huge string. The
// split into files is worked out by one pass over each source and kept for TTL, so
// crawlers fetching the index and then every file cost one pass, not one per file.
type Sitemaps struct {
	Sources []Source
	// PerFile is the number of entries a child file holds (MaxPerFile when 0 or more).
	PerFile int
	// TTL is how long a source's split is reused (30 minutes when 0; none when < 0).
	TTL time.Duration

	mu    sync.Mutex
	cache map[string]cachedFiles
}

type cachedFiles struct {
	at    time.Time
	files []File
}

// files returns src's split, from the cache while it is fresh.
func (s *Sitemaps) files(ctx context.Context, src Source) ([]File, error) {
	ttl := s.TTL
	if ttl == 0 {
		ttl = 30 * time.Minute
	}
	s.mu.Lock()
	c, ok := s.cache[src.Name()]
	s.mu.Unlock()
	if ok && time.Since(c.at) < ttl {
		return c.files, nil
	}
	fs, err := src.Files(ctx, s.per())
	if err != nil {
		return nil, fmt.Errorf("seo: sitemap %s: %w", src.Name(), err)
	}
	if ttl > 0 {
		s.mu.Lock()
		if s.cache == nil {
			s.cache = map[string]cachedFiles{}
		}
		s.cache[src.Name()] = cachedFiles{at: time.Now(), files: fs}
		s.mu.Unlock()
	}
	return fs, nil
}

func (s *Sitemaps) per() int {
	if s.PerFile <= 0 || s.PerFile > MaxPerFile {
		return MaxPerFile
	}
	return s.PerFile
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	ns        = `http://www.sitemaps.org/schemas/sitemap/0.9`
)

// WriteIndex writes the sitemap index: one <sitemap> per child file, with its lastmod.
func (s *Sitemaps) WriteIndex(ctx context.Context, w io.Writer, base string) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(xmlHeader + `<sitemapindex xmlns="` + ns + `">` + "\n")
	for _, src := range s.Sources {
		fs, err := s.files(ctx, src)
		if err != nil {
			return err
		}
		for i, f := range fs {
			bw.WriteString("<sitemap><loc>")
			xml.EscapeText(bw, []byte(Abs(base, "/sitemaps/"+src.Name()+"-"+strconv.Itoa(i+1)+".xml")))
			bw.WriteString("</loc>")
			writeLastMod(bw, f.LastMod)
			bw.WriteString("</sitemap>\n")
		}
	}
	bw.WriteString("</sitemapindex>\n")
	return bw.Flush()
}

// Child finds the source and the file a child file name ("products-3.xml") names;
// anything else is NotFound.
func (s *Sitemaps) Child(ctx context.Context, file string) (Source, File, error) {
	notFound := errs.E(errs.NotFound, "err.page_not_found")
	stem, ok := strings.CutSuffix(file, ".xml")
	if !ok {
		return nil, File{}, notFound
	}
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return nil, File{}, notFound
	}
	n, err := strconv.Atoi(stem[i+1:])
	if err != nil || n < 1 || n > 1_000_000 || stem[i+1:] != strconv.Itoa(n) {
		return nil, File{}, notFound
	}
	for _, src := range s.Sources {
		if src.Name() == stem[:i] {
			fs, err := s.files(ctx, src)
			if err != nil {
				return nil, File{}, err
			}
			if n > len(fs) {
				return nil, File{}, notFound
			}
			return src, fs[n-1], nil
		}
	}
	return nil, File{}, notFound
}

// WriteChild writes one child sitemap (a <urlset>) of src: the entries of file f.
func (s *Sitemaps) WriteChild(ctx context.Context, w io.Writer, base string, src Source, f File) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xmlHeader + `<urlset xmlns="` + ns + `">` + "\n")
	n := 0
	err := src.Entries(ctx, f, s.per(), func(e Entry) error {
		if n++; n > s.per() {
			return fmt.Errorf("seo: sitemap %s: source gave more than %d entries", src.Name(), s.per())
		}
		bw.WriteString("<url><loc>")
		xml.EscapeText(bw, []byte(Abs(base, e.Path)))
		bw.WriteString("</loc>")
		writeLastMod(bw, e.LastMod)
		_, err := bw.WriteString("</url>\n")
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("</urlset>\n")
	return bw.Flush()
}

func writeLastMod(w *bufio.Writer, t time.Time) {
	if t.IsZero() {
		return
	}
	w.WriteString("<lastmod>")
	w.WriteString(t.In(shanghai).Format(time.RFC3339))
	w.WriteString("</lastmod>")
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// Robots is the robots.txt text for the storefront (see the package comment for the
// decisions behind each rule), pointing at the sitemap index under base.
func Robots(base string) string {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range []string{
		"/admin/", "/seller/", "/buyer/", "/account", "/home", "/messages", "/api/",
		"/login", "/register", "/lang", "/logout",
		"/search/",   // suggestions
		"/search?*&", // searches narrowed by filters, sorts or pages
		"/c/*&",      // category pages with more than one parameter: deep facet combinations
		"/store/*?",  // search inside a store
	} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Allow: /\n\n")
	b.WriteString("Sitemap: " + Abs(base, "/sitemap.xml") + "\n")
	return b.String()
}
