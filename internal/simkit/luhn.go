package simkit

// Luhn reports whether number, a string of decimal digits, passes the Luhn
// check. A string holding anything but digits does not.
func Luhn(number string) bool {
	if number == "" {
		return false
	}
	for i := 0; i < len(number); i++ {
		if number[i] < '0' || number[i] > '9' {
			return false
		}
	}
	return luhnSum(number, false)%10 == 0
}

// LuhnDigit returns the check digit (0-9) that makes body plus that digit
// pass the Luhn check. body must be decimal digits.
func LuhnDigit(body string) int {
	return (10 - luhnSum(body, true)%10) % 10
}

// luhnSum is the Luhn sum of digits, doubling every second digit from the
// right, starting with the last one when doubleLast.
func luhnSum(digits string, doubleLast bool) int {
	sum, double := 0, doubleLast
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum
}
