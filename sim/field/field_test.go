package field

import (
	"errors"
	"testing"
)

func TestAllAndWithin(t *testing.T) {
	err := errors.Join(Errorf("Alpha", "must be in (0, 1), got %v", 2.0), errors.New("plain"), nil)
	all := All(Within("Market", err))
	if len(all) != 2 || all[0].Name != "Market.Alpha" || all[0].Msg != "must be in (0, 1), got 2" || all[1].Name != "Market" || all[1].Msg != "plain" {
		t.Errorf("got %+v %+v", all[0], all[1])
	}
	if all[0].Error() != "Market.Alpha: must be in (0, 1), got 2" {
		t.Errorf("Error() = %q", all[0].Error())
	}
	if All(nil) != nil || Within("X", nil) != nil {
		t.Error("nil is not an error")
	}
	if got := All(errors.New("x")); len(got) != 1 || got[0].Name != "" || got[0].Msg != "x" {
		t.Errorf("a plain error: %+v", got)
	}
}
