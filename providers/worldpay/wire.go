package worldpay

// Wire types: the JSON the Tokens API v3 sends and receives, as
// docs/worldpay-api.md records it.

// expiry is cardExpiryDate and expiryDate: integers, four-digit year. The
// zero value is an expiry the answer did not give.
type expiry struct {
	Month int `json:"month"`
	Year  int `json:"year"`
}

// merchant is the merchant object of every create request.
type merchant struct {
	Entity string `json:"entity"`
}

// cardFront is a paymentInstrument of type card/front: raw card details.
// The Tokens API stores no CVV (a token may not hold one), so none is sent.
type cardFront struct {
	Type           string `json:"type"` // typeCardFront
	CardHolderName string `json:"cardHolderName"`
	CardNumber     string `json:"cardNumber"`
	CardExpiryDate expiry `json:"cardExpiryDate"`
}

// cardTokenized is a paymentInstrument of type card/tokenized: a Worldpay
// token by its href.
type cardTokenized struct {
	Type string `json:"type"` // typeCardTokenized
	Href string `json:"href"`
}

// paymentInstrument types.
const (
	typeCardFront     = "card/front"
	typeCardTokenized = "card/tokenized"
	typeNetworkToken  = "card/networkToken"
)

// createTokenRequest is the body of POST /tokens.
type createTokenRequest struct {
	Description       string    `json:"description,omitempty"`
	PaymentInstrument cardFront `json:"paymentInstrument"`
	Namespace         string    `json:"namespace,omitempty"`
	Merchant          merchant  `json:"merchant"`
}

// tokenResponse is the answer of POST /tokens and GET /tokens/{id}.
type tokenResponse struct {
	TokenID                string `json:"tokenId"`
	Description            string `json:"description"`
	Namespace              string `json:"namespace"`
	TokenPaymentInstrument *struct {
		Type string `json:"type"`
		Href string `json:"href"`
	} `json:"tokenPaymentInstrument"`
	PaymentInstrument maskedCard `json:"paymentInstrument"`
	Links             links      `json:"_links"`
}

// maskedCard is a paymentInstrument of type card/masked, as tokens and
// network tokens describe the card. Tokens spell the number as a masked
// cardNumber with bin and brand; network tokens as firstSix and lastFour.
type maskedCard struct {
	Type                    string `json:"type"`
	CardNumber              string `json:"cardNumber"`
	CardHolderName          string `json:"cardHolderName"`
	CardExpiryDate          expiry `json:"cardExpiryDate"`
	Bin                     string `json:"bin"`
	Brand                   string `json:"brand"`
	FundingType             string `json:"fundingType"`
	CountryCode             string `json:"countryCode"`
	FirstSix                string `json:"firstSix"`
	LastFour                string `json:"lastFour"`
	PaymentAccountReference string `json:"paymentAccountReference"`
}

// provisionRequest is the body of POST /tokens/network; PaymentInstrument
// is a cardFront or a cardTokenized.
type provisionRequest struct {
	PaymentInstrument any      `json:"paymentInstrument"`
	Merchant          merchant `json:"merchant"`
}

// networkTokenResponse is the answer of POST /tokens/network and of the
// lookup (GET /tokens/network/{tokenReference}). A provisioning that
// answered before the token exists has no TokenPaymentInstrument; the
// lookup carries no tokenReference (its self link does).
type networkTokenResponse struct {
	TokenReference         string `json:"tokenReference"`
	TokenPaymentInstrument *struct {
		Status      string `json:"status"`
		Type        string `json:"type"`
		TokenNumber string `json:"tokenNumber"`
		ExpiryDate  expiry `json:"expiryDate"`
	} `json:"tokenPaymentInstrument"`
	PaymentInstrument  maskedCard          `json:"paymentInstrument"`
	ProvisioningErrors []provisioningError `json:"provisioningErrors"`
	Links              links               `json:"_links"`
}

// provisioningError is an item of provisioningErrors: the scheme's refusal
// (errorCode, providerErrorCode) and where it arose.
type provisioningError struct {
	ErrorCode         string `json:"errorCode"`
	ProviderErrorCode string `json:"providerErrorCode"`
	Source            string `json:"source"`
	Context           string `json:"context"`
	Message           string `json:"message"`
}

// cryptogramRequest is the body posted to the tokens:networkTokenCryptogram
// link: the reference's example sends the token number.
type cryptogramRequest struct {
	TokenNumber string `json:"tokenNumber"`
}

// cryptogramResponse is its answer.
type cryptogramResponse struct {
	CryptogramDetails *struct {
		Cryptogram string `json:"cryptogram"`
		ECI        string `json:"eci"`
	} `json:"cryptogramDetails"`
	Links links `json:"_links"`
}

// errorBody is Access Worldpay's error document.
type errorBody struct {
	ErrorName        string `json:"errorName"`
	Message          string `json:"message"`
	ValidationErrors []struct {
		ErrorName string `json:"errorName"`
		Message   string `json:"message"`
		JSONPath  string `json:"jsonPath"`
	} `json:"validationErrors"`
}
