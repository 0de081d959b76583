package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Credentials come from the environment, the first line of standard input or a prompt,
// never from a flag value; the enable secret from its variable (even when set but empty)
// or a prompt.
func TestSecrets(t *testing.T) {
	tests := []struct {
		name          string
		env           map[string]string
		stdin         string
		passwordStdin bool
		sshKey        string
		prompt        map[string]string // prompt text -> answer; nil means no terminal
		wantPassword  string
		wantEnable    string
		wantErr       string
		wantPrompts   []string
	}{
		{name: "environment", env: map[string]string{"ASAAUDIT_PASSWORD": "p1", "ASAAUDIT_ENABLE_PASSWORD": "e1"}, wantPassword: "p1", wantEnable: "e1"},
		{name: "stdin wins over environment", env: map[string]string{"ASAAUDIT_PASSWORD": "p1"}, stdin: "from-stdin\r\nignored\n", passwordStdin: true, wantPassword: "from-stdin"},
		{name: "stdin without newline", stdin: "last", passwordStdin: true, wantPassword: "last"},
		{name: "prompted on a terminal", prompt: map[string]string{"SSH password: ": "typed", "Enable password (empty for none): ": "en"}, wantPassword: "typed", wantEnable: "en", wantPrompts: []string{"SSH password: ", "Enable password (empty for none): "}},
		{name: "enable variable set but empty is not prompted", env: map[string]string{"ASAAUDIT_PASSWORD": "p1", "ASAAUDIT_ENABLE_PASSWORD": ""}, prompt: map[string]string{}, wantPassword: "p1", wantEnable: ""},
		{name: "key file needs no password", sshKey: "id_ed25519", wantPassword: ""},
		{name: "nothing and no terminal", wantErr: "no SSH password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prompts []string
			f := &sshFlags{passwordStdin: tt.passwordStdin, sshKey: tt.sshKey}
			if tt.prompt != nil {
				f.passwordPrompt = func(p string) (string, error) {
					prompts = append(prompts, p)
					a, ok := tt.prompt[p]
					if !ok {
						return "", errors.New("unexpected prompt " + p)
					}
					return a, nil
				}
			}
			s := &IOStreams{In: strings.NewReader(tt.stdin), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{},
				Getenv: func(k string) string { return tt.env[k] },
				Lookup: func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }}
			pw, en, err := f.secrets(s)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pw != tt.wantPassword || en != tt.wantEnable {
				t.Errorf("password %q enable %q, want %q %q", pw, en, tt.wantPassword, tt.wantEnable)
			}
			if strings.Join(prompts, "|") != strings.Join(tt.wantPrompts, "|") {
				t.Errorf("prompts %q, want %q", prompts, tt.wantPrompts)
			}
		})
	}
}
