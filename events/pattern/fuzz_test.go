package pattern

import "testing"

// FuzzPattern compiles arbitrary patterns and matches them against arbitrary events: neither
// may panic, and a compiled pattern must match deterministically.
func FuzzPattern(f *testing.F) {
	f.Add(`{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",4]}]}}`, `{"source":"aws.guardduty","detail":{"severity":8}}`)
	f.Add(`{"$or":[{"a":[{"prefix":{"equals-ignore-case":"X"}}]},{"b":[{"exists":false}]}]}`, `{"a":["xy",1,null]}`)
	f.Add(`{"ip":[{"cidr":"2001:db8::/32"}],"f":[{"wildcard":"*a\\*b*"}]}`, `{"ip":"2001:db8::1","f":"za*bz"}`)
	f.Add(`{"s":[{"anything-but":{"suffix":[".png",".jpg"]}}],"n":[1e2,"x",true]}`, `{"s":"a.gif","n":100}`)
	f.Fuzz(func(t *testing.T, pattern, event string) {
		p, err := Compile([]byte(pattern))
		if err != nil {
			return
		}
		first, err := p.Match([]byte(event))
		if err != nil {
			return
		}
		second, _ := p.Match([]byte(event))
		if first != second {
			t.Fatalf("pattern %s matched event %s inconsistently", pattern, event)
		}
	})
}
