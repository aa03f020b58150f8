package nuvei

import (
	"reflect"
	"testing"
)

// The wire name of the cryptogram's transaction type is chosen once, in
// cryptogramTypeField; the request struct's tag must agree with it.
func TestCryptogramTypeField(t *testing.T) {
	f, ok := reflect.TypeOf(cryptogramRequest{}).FieldByName("Type")
	if !ok || f.Tag.Get("json") != cryptogramTypeField {
		t.Fatalf("cryptogramRequest.Type is tagged %q, want %q", f.Tag.Get("json"), cryptogramTypeField)
	}
}
