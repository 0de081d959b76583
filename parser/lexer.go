package parser

import (
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token kinds of the line lexer. ASA command lines are whitespace-separated words, so the
// lexer only has to tell times (H:MM:SS) and plain numbers from other words; keywords are
// matched by the grammar as literals.
const (
	tokWord lexer.TokenType = iota + 1
	tokNumber
	tokTime
)

// lineLexer is the lexer declaration the grammars are built with. Lines are lexed by
// lexLine instead of through Lex, because lexLine can stamp every token with its real file
// line and column; the regexp lexers participle ships would number every line as line 1.
type lineLexer struct{}

func (lineLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{"EOF": lexer.EOF, "Word": tokWord, "Number": tokNumber, "Time": tokTime}
}

func (lineLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return &tokens{toks: lexLine(filename, 1, string(b))}, nil
}

// tokens replays a lexed line to participle.
type tokens struct {
	toks []lexer.Token
	i    int
}

func (t *tokens) Next() (lexer.Token, error) {
	tok := t.toks[t.i]
	if t.i < len(t.toks)-1 {
		t.i++
	}
	return tok, nil
}

// lexLine splits one normalised line into tokens that carry file, line and column.
func lexLine(file string, line int, text string) []lexer.Token {
	toks := make([]lexer.Token, 0, 8)
	i := 0
	for i < len(text) {
		c := text[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		start := i
		for i < len(text) && text[i] != ' ' && text[i] != '\t' {
			i++
		}
		word := text[start:i]
		toks = append(toks, lexer.Token{
			Type:  classify(word),
			Value: word,
			Pos:   lexer.Position{Filename: file, Offset: start, Line: line, Column: start + 1},
		})
	}
	return append(toks, lexer.EOFToken(lexer.Position{Filename: file, Offset: len(text), Line: line, Column: len(text) + 1}))
}

// classify returns the token type of word w: a Number, a Time (H:M:S) or a Word. It takes
// bytes too, so that the readers of kept lines classify their words without a string each.
// isTime reports whether the lexer takes w for a time (classify): one starts with a digit
// and has at least five bytes ("1:2:3"), which most words are passed over by.
func isTime[T ~string | ~[]byte](w T) bool {
	return len(w) >= 5 && w[0] >= '0' && w[0] <= '9' && classify(w) == tokTime
}

func classify[T ~string | ~[]byte](w T) lexer.TokenType {
	digits, colons := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ':' && i > 0 && w[i-1] != ':':
			colons++
		default:
			return tokWord
		}
	}
	switch {
	case colons == 0:
		return tokNumber
	case colons == 2 && w[len(w)-1] != ':':
		return tokTime
	}
	return tokWord
}
