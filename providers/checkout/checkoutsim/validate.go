package checkoutsim

import (
	"strconv"
	"strings"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

func digits(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkCard returns one error code per bad field.
func (s *Simulator) checkCard(number string, month, year int, cvv string) []string {
	var codes []string
	switch {
	case number == "":
		codes = append(codes, "card_number_required")
	case !digits(number, 12, 19) || !simkit.Luhn(number):
		codes = append(codes, "card_number_invalid")
	}
	monthOK, yearOK := true, true
	switch {
	case month == 0:
		codes, monthOK = append(codes, "card_expiry_month_required"), false
	case month < 1 || month > 12:
		codes, monthOK = append(codes, "card_expiry_month_invalid"), false
	}
	switch {
	case year == 0:
		codes, yearOK = append(codes, "card_expiry_year_required"), false
	case year < 1000 || year > 9999:
		codes, yearOK = append(codes, "card_expiry_year_invalid"), false
	}
	if monthOK && yearOK {
		now := s.now().UTC()
		if year < now.Year() || (year == now.Year() && month < int(now.Month())) {
			codes = append(codes, "card_expired")
		}
	}
	if cvv != "" && !digits(cvv, 3, 4) {
		codes = append(codes, "cvv_invalid")
	}
	return codes
}

// stringField reads a numeric string field of lo to hi digits: 0 when
// absent, -1 when malformed.
func stringField(v string, lo, hi int) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || !digits(v, lo, hi) {
		return -1
	}
	return n
}

// checkCustomer returns the code for an instrument's customer: an
// existing customer's cus_ id, or else an email (at most 255 characters).
func checkCustomer(id, email string) []string {
	switch {
	case id != "" && (!strings.HasPrefix(id, "cus_") || len(id) != 30):
		return []string{"customer_id_invalid"}
	case id == "" && (!strings.Contains(email, "@") || len(email) > 255):
		return []string{"email_invalid"}
	}
	return nil
}

// checkCardToken returns the code for the tok_ of a token instrument.
func (s *Simulator) checkCardToken(id string, ct *cardToken) []string {
	switch {
	case id == "":
		return []string{"token_required"}
	case ct == nil:
		return []string{"token_invalid"}
	case ct.used:
		return []string{"token_used"}
	case !s.now().Before(ct.expires):
		return []string{"token_expired"}
	}
	return nil
}

// checkACH returns one error code per bad field of a US bank account.
func checkACH(d *achData) []string {
	if d == nil {
		return []string{"instrument_data_required"}
	}
	var codes []string
	if d.AccountType != "checking" && d.AccountType != "savings" {
		codes = append(codes, "account_type_invalid")
	}
	if !digits(d.AccountNumber, 4, 17) {
		codes = append(codes, "account_number_invalid")
	}
	if !digits(d.BankCode, 9, 9) {
		codes = append(codes, "bank_code_invalid")
	}
	if d.Currency != "USD" {
		codes = append(codes, "currency_invalid")
	}
	if d.Country != "US" {
		codes = append(codes, "country_invalid")
	}
	return codes
}

// checkACHHolder returns the code for an ACH instrument's account holder,
// which the official SDKs mark required: it must name a person or a
// company.
func checkACHHolder(h *accountHolder) []string {
	if h == nil || strings.TrimSpace(h.FirstName+h.LastName+h.CompanyName) == "" {
		return []string{"account_holder_required"}
	}
	return nil
}

// checkSourceID returns the code for a provisioning source id: "" if it is
// a stored card instrument.
func checkSourceID(id string, in *instrument) string {
	switch {
	case id == "":
		return "source_id_required"
	case !strings.HasPrefix(id, "src_") || len(id) != 30:
		return "source_id_invalid"
	case in == nil:
		return CodeSourceUnknown
	case in.kind != "card":
		return "source_invalid"
	}
	return ""
}

var transactionTypes = map[string]bool{"ecom": true, "recurring": true, "pos": true, "aft": true}

// checkTransactionType returns the code for a cryptogram's transaction
// type, "" if it is one Checkout.com documents.
func checkTransactionType(tt string) string {
	switch {
	case tt == "":
		return "transaction_type_required"
	case !transactionTypes[tt]:
		return "transaction_type_invalid"
	}
	return ""
}

var (
	initiators = map[string]bool{"cardholder": true, "token_requestor": true}
	reasons    = map[string]bool{"fraud": true, "other": true}
)

// checkDelete returns one code per bad field of a network-token deletion.
func checkDelete(initiatedBy, reason string) []string {
	var codes []string
	switch {
	case initiatedBy == "":
		codes = append(codes, "initiated_by_required")
	case !initiators[initiatedBy]:
		codes = append(codes, "initiated_by_invalid")
	}
	switch {
	case reason == "":
		codes = append(codes, "reason_required")
	case !reasons[reason]:
		codes = append(codes, "reason_invalid")
	}
	return codes
}
