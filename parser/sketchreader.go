package parser

// SketchReader sketches lines of one access-list, as Sketch does, for another goroutine
// than the one that calls the access-list's other methods: the path evaluation has lines
// of a long list sketched ahead of its walk, on the core the parse no longer uses. It
// reads the lines back through a reader of its own, and writes nothing the access-list
// holds, which must not change while it is used.
type SketchReader struct {
	acl *AccessList
	src *source
	win window
}

// NewSketchReader returns a reader of the lines of a. It is made on the goroutine that
// uses a: the source keeps a record of what it read, and the reader takes a copy.
func (a *AccessList) NewSketchReader() *SketchReader {
	r := &SketchReader{acl: a}
	if s := a.Deferred.lines.src; s != nil {
		c := *s
		r.src = &c
	}
	return r
}

// SketchEach sketches lines from to to (excluded) in order and calls fn with each: ok is
// false when Sketch would not sketch the line, or when it could not be read back here
// (Sketch then reads it again, and reports the error). s, and the text it aliases, are
// valid until fn returns.
func (r *SketchReader) SketchEach(from, to int, fn func(i int, s *ACESketch, ok bool)) {
	a := r.acl
	d := a.Deferred
	st, full, timed := &d.lines, d.full, isTime(a.Name)
	var (
		s     ACESketch
		words [maxSketchWords][]byte
		page  *refPageData
		cur   refCursor // the reader's own: the walk moves the page's cache meanwhile
	)
	for i := from; i < to; i++ {
		if p := st.pages[i/refPage]; p != page {
			page, cur = p, refCursor{k: -1}
		}
		var text []byte
		ok := !full[i] && !timed
		if ok {
			t, err := st.text(page.ref(i%refPage, &cur), r.src, &r.win)
			text, ok = t, err == nil // Sketch reads it again, and reports the error
		}
		if ok {
			n, more := wordsInto(text, words[:])
			ok = !more && a.sketchWords(words[:n], &s)
		}
		fn(i, &s, ok)
	}
}
