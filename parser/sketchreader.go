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
		s        ACESketch
		words    [maxSketchWords][]byte
		page     = -1
		refs     []lineRef // the page written out, or nil
		delta    []uint16
		marks    []uint32
		num0, at uint32
		prev     = -2 // the page's line whose offset at is
	)
	for i := from; i < to; i++ {
		// What a page says is read once a page: the walk writes beside it
		// (refPageData.at), and reading those fields line after line made each line a
		// cache miss here.
		if i/refPage != page {
			page = i / refPage
			p := st.pages[page]
			refs, delta, marks, num0, prev = p.full, p.delta, p.marks, p.num0, -2
		}
		k := i % refPage
		var ref lineRef
		switch {
		case refs != nil:
			ref = refs[k]
		case k == prev+1: // every line of a compact page has its distance from the one before
			at += uint32(delta[k])
			ref = lineRef{num: num0 + uint32(k), at: at}
		default:
			at = marks[k/refMark]
			for t := k/refMark*refMark + 1; t <= k; t++ {
				at += uint32(delta[t])
			}
			ref = lineRef{num: num0 + uint32(k), at: at}
		}
		prev = k
		var text []byte
		ok := !full[i] && !timed
		switch {
		case !ok:
		case !ref.inInput():
			text = st.inMemory(ref)
		case r.src == nil:
			ok = false
		default:
			t, err := r.src.readLine(&r.win, int64(ref.at))
			text, ok = t, err == nil
		}
		if ok {
			n, more := wordsInto(text, words[:])
			ok = !more && a.sketchWords(words[:n], &s)
		}
		fn(i, &s, ok)
	}
}
