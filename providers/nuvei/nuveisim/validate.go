package nuveisim

import (
	"net/http"
	"regexp"
	"strings"
)

// The documented regular expressions.
var (
	reMonth = regexp.MustCompile(`^(0[1-9]|1[0-2])$`)
	reYear  = regexp.MustCompile(`^(\d{4}|\d{2})$`)
)

func checkLen(path, v string, min, max int) error {
	if n := len([]rune(v)); n < min || n > max {
		return sizeBetween(path, min, max)
	}
	return nil
}

func (s *Simulator) checkEntity(id string) error {
	if id == "" {
		return notNull("processingEntityId")
	}
	if id != s.entity {
		return errForbidden
	}
	return nil
}

// queryEntity reads the processing entity of a GET. The seeds spell it
// processingEntityId, other Nuvei pages processing_entity_id: both work.
func (s *Simulator) queryEntity(r *http.Request) error {
	q := r.URL.Query()
	id := q.Get("processingEntityId")
	if id == "" {
		id = q.Get("processing_entity_id")
	}
	return s.checkEntity(id)
}

// card returns the request's paymentOption.card, which must be there.
func (e *envelope) card() (*reqCard, error) {
	if e.PaymentOption == nil {
		return nil, notNull("paymentOption")
	}
	if e.PaymentOption.Card == nil {
		return nil, notNull("paymentOption.card")
	}
	return e.PaymentOption.Card, nil
}

// checkCard validates a card object. minNumber is 1 for /payment-tokens
// ("non-empty and <= 20") and 6 for /network-tokens; cvvRequired is true
// for /network-tokens.
func checkCard(prefix string, c *reqCard, minNumber int, cvvRequired bool) (*cardData, error) {
	if c.CardNumber == nil {
		return nil, notNull(prefix + ".cardNumber")
	}
	if err := checkLen(prefix+".cardNumber", *c.CardNumber, minNumber, 20); err != nil {
		return nil, err
	}
	if c.ExpirationMonth == nil {
		return nil, notNull(prefix + ".expirationMonth")
	}
	if err := checkLen(prefix+".expirationMonth", *c.ExpirationMonth, 2, 2); err != nil {
		return nil, err
	}
	if !reMonth.MatchString(*c.ExpirationMonth) {
		return nil, invalid(`[` + prefix + `.expirationMonth] must match "^(0[1-9]|1[0-2])$"`)
	}
	if c.ExpirationYear == nil {
		return nil, notNull(prefix + ".expirationYear")
	}
	if err := checkLen(prefix+".expirationYear", *c.ExpirationYear, 2, 4); err != nil {
		return nil, err
	}
	if !reYear.MatchString(*c.ExpirationYear) {
		return nil, invalid(`[` + prefix + `.expirationYear] must match "^(\d{4}|\d{2})$"`)
	}
	if c.CVV == nil && cvvRequired {
		return nil, notNull(prefix + ".cvv")
	}
	if err := checkLen(prefix+".cvv", str(c.CVV), 0, 4); err != nil {
		return nil, err
	}
	if err := checkLen(prefix+".cardHolderName", str(c.CardHolderName), 0, 70); err != nil {
		return nil, err
	}
	if err := cardOutcome(prefix, *c.CardNumber); err != nil {
		return nil, err
	}
	return &cardData{number: *c.CardNumber, month: *c.ExpirationMonth, year: *c.ExpirationYear, holder: str(c.CardHolderName)}, nil
}

// check validates what POST /payment-tokens carries besides the payment
// option itself, and that exactly one kind of payment option is set.
func (req *createRequest) check() error {
	if err := checkLen("merchantReference", str(req.MerchantReference), 0, 50); err != nil {
		return err
	}
	if err := checkLen("buyerId", str(req.BuyerID), 0, 255); err != nil {
		return err
	}
	if u := str(req.UsageIntent); req.UsageIntent != nil && u != "recurring" && u != "unscheduled" {
		return invalid("[usageIntent] must be one of [recurring, unscheduled]")
	}
	po := req.PaymentOption
	if po == nil {
		return notNull("paymentOption")
	}
	n := 0
	for _, set := range []bool{po.Card != nil, po.AlternativePaymentMethod != nil, po.TemporaryPaymentToken != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return invalid("[paymentOption] must contain exactly one of card, alternativePaymentMethod, temporaryPaymentToken")
	}
	return nil
}

// checkAPM validates an alternative payment method and stores it in tok.
func checkAPM(req *createRequest, tok *paymentToken) error {
	apm := req.PaymentOption.AlternativePaymentMethod
	if apm.Name == nil {
		return notNull("paymentOption.alternativePaymentMethod.name")
	}
	if err := checkLen("paymentOption.alternativePaymentMethod.name", *apm.Name, 1, 50); err != nil {
		return err
	}
	if apm.Data == nil {
		return notNull("paymentOption.alternativePaymentMethod.data")
	}
	tok.apmName = *apm.Name
	tok.apmData = map[string]string{}
	for k, v := range apm.Data {
		sv, ok := v.(string)
		if !ok {
			return invalid("[paymentOption.alternativePaymentMethod.data." + k + "] must be a string")
		}
		tok.apmData[k] = sv
	}
	if strings.EqualFold(tok.apmName, "ACH") {
		for _, k := range []string{"accountNumber", "routingNumber"} {
			if tok.apmData[k] == "" {
				return notNull("paymentOption.alternativePaymentMethod.data." + k)
			}
		}
	}
	return nil
}

// transactionType reads the cryptogram's transaction type. The field is
// "type" in the seeds and "transactionType" in Nuvei's reference, at the
// top level or beside paymentTokenId: all are accepted.
func (req *cryptogramRequest) transactionType() (string, error) {
	ref := req.PaymentOption.PaymentToken
	tt := req.Type
	for _, alt := range []*string{req.TransactionType, ref.Type, ref.TransactionType} {
		if tt == nil {
			tt = alt
		}
	}
	if tt == nil {
		return "", notNull("type")
	}
	if *tt != "ECOM" && *tt != "AFT" {
		return "", invalid("[type] must be one of [ECOM, AFT]")
	}
	return *tt, nil
}
