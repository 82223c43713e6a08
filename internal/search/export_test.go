package search

// SearchCounting runs a request with its facets counted in one pass over the hits
// (pass) or by intersecting bitmaps, for tests that compare the two.
func SearchCounting(ix *Index, r Request, pass bool) Result {
	if pass {
		return ix.search(r, countPass)
	}
	return ix.search(r, countBitmaps)
}
