package checkoutsim

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Credentials the simulator accepts by default.
const (
	// ClientID is the OAuth access key id. Its {prefix} is "simulato".
	ClientID = "cli_simulatorclientid0000000"
	// ClientSecret is the OAuth access key secret.
	ClientSecret = "sim-client-secret-3c1e9b7a"
	// PublicKey authenticates POST /tokens. Like SecretKey it has the
	// documented key format (KeyPattern), which the official SDKs check.
	PublicKey = "pk_sbox_simulatorpublickeyabcdefghq"
	// SecretKey authenticates /instruments as an alternative to OAuth.
	SecretKey = "sk_sbox_simulatorsecretkeyabcdefghq"
)

// KeyPattern is the format of Checkout.com public and secret keys
// (research notes §2.3; the official Go SDK's DefaultPublicKeyPattern and
// DefaultSecretKeyPattern): a key the official SDKs' builders refuse is
// not one the sandbox would issue. The simulator's keys follow it.
const KeyPattern = `^(pk|sk)_(sbox_)?[a-z2-7]{26}[a-z2-7*#$=]$`

// Scopes the token endpoint grants (research notes §2.4).
const (
	ScopeVault              = "vault"
	ScopeVaultInstruments   = "vault:instruments"
	ScopeVaultNetworkTokens = "vault:network-tokens"
	ScopeVaultTokenization  = "vault:tokenization"
)

var grantable = map[string]bool{ScopeVault: true, ScopeVaultInstruments: true, ScopeVaultNetworkTokens: true, ScopeVaultTokenization: true}

// connectToken is POST /connect/token, OAuth 2.0 client credentials.
func (s *Simulator) connectToken(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(code string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		oauthErr("invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: both parts are form-urlencoded inside the
		// Basic credentials; a part that does not decode matches nothing.
		id, secret = formDecode(id), formDecode(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr("unsupported_grant_type")
		return
	}
	if id != s.clientID || secret != s.clientSecret {
		oauthErr("invalid_client")
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if len(scopes) == 0 {
		scopes = []string{ScopeVault}
	}
	for _, sc := range scopes {
		if !grantable[sc] {
			oauthErr("invalid_scope")
			return
		}
	}
	tok := "eyJhbGciOiJub25lIn0." + s.rand.Base32(52)
	s.mu.Lock()
	s.accessTokens[tok] = accessToken{expires: s.now().Add(s.tokenTTL), scopes: scopes}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer",
		"expires_in": int64(s.tokenTTL / time.Second), "scope": strings.Join(scopes, " "),
	})
}

// formDecode undoes application/x-www-form-urlencoded encoding, or returns
// "" when v is not validly encoded.
func formDecode(v string) string {
	d, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return d
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return strings.TrimSpace(h)
}

// authorize checks an OAuth access token carrying one of scopes, or, when
// secretKeyOK, the secret key. It answers 401 (empty body) or 403 itself.
func (s *Simulator) authorize(w http.ResponseWriter, r *http.Request, secretKeyOK bool, scopes ...string) bool {
	cred := bearer(r)
	if secretKeyOK && cred == s.secretKey {
		return true
	}
	s.mu.Lock()
	at, ok := s.accessTokens[cred]
	s.mu.Unlock()
	if !ok || !s.now().Before(at.expires) {
		w.WriteHeader(http.StatusUnauthorized)
		return false
	}
	for _, have := range at.scopes {
		for _, want := range scopes {
			if have == want || have == ScopeVault {
				return true
			}
		}
	}
	w.WriteHeader(http.StatusForbidden)
	return false
}
