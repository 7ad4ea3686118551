package pattern

import (
	"errors"
	"strings"
	"testing"
)

// The cases follow the examples of the EventBridge user guide ("Comparison operators for use
// in event patterns" and "Content filtering"), rewritten as small events.
func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		event   string
		want    bool
	}{
		// Exact values and the array rule.
		{"exact string", `{"source":["aws.ec2"]}`, `{"source":"aws.ec2"}`, true},
		{"exact string other", `{"source":["aws.ec2"]}`, `{"source":"aws.s3"}`, false},
		{"exact is case sensitive", `{"source":["aws.ec2"]}`, `{"source":"AWS.EC2"}`, false},
		{"one of several values", `{"detail":{"state":["running","stopped"]}}`, `{"detail":{"state":"stopped"}}`, true},
		{"missing field", `{"detail":{"state":["running"]}}`, `{"detail":{}}`, false},
		{"event array any element", `{"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}`, `{"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-0","arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}`, true},
		{"event array no element", `{"resources":["a"]}`, `{"resources":["b","c"]}`, false},
		{"empty string", `{"detail":{"eventVersion":[""]}}`, `{"detail":{"eventVersion":""}}`, true},
		{"null", `{"detail":{"responseElements":[null]}}`, `{"detail":{"responseElements":null}}`, true},
		{"null is not empty string", `{"detail":{"eventVersion":[""]}}`, `{"detail":{"eventVersion":null}}`, false},
		{"boolean", `{"detail":{"archived":[false]}}`, `{"detail":{"archived":false}}`, true},
		{"boolean is not string", `{"detail":{"archived":[false]}}`, `{"detail":{"archived":"false"}}`, false},
		{"and of two fields", `{"Location":["New York"],"Day":["Monday"]}`, `{"Location":"New York","Day":"Tuesday"}`, false},

		// Numbers compare by value.
		{"number 8 matches 8.0", `{"detail":{"severity":[8.0]}}`, `{"detail":{"severity":8}}`, true},
		{"number 8.0 matches 8", `{"detail":{"severity":[8]}}`, `{"detail":{"severity":8.0}}`, true},
		{"number exponent", `{"detail":{"n":[300]}}`, `{"detail":{"n":3e2}}`, true},
		{"number is not string", `{"detail":{"severity":[8]}}`, `{"detail":{"severity":"8"}}`, false},
		{"string is not number", `{"detail":{"severity":["8"]}}`, `{"detail":{"severity":8}}`, false},

		// prefix and suffix.
		{"prefix", `{"time":[{"prefix":"2017-10-02"}]}`, `{"time":"2017-10-02T18:43:48Z"}`, true},
		{"prefix no", `{"time":[{"prefix":"2017-10-02"}]}`, `{"time":"2017-10-03T18:43:48Z"}`, false},
		{"prefix on number", `{"n":[{"prefix":"1"}]}`, `{"n":12}`, false},
		{"prefix ignore case", `{"detail":{"service":[{"prefix":{"equals-ignore-case":"EventB"}}]}}`, `{"detail":{"service":"eventbridge"}}`, true},
		{"suffix", `{"FileName":[{"suffix":".png"}]}`, `{"FileName":"image.png"}`, true},
		{"suffix no", `{"FileName":[{"suffix":".png"}]}`, `{"FileName":"image.PNG"}`, false},
		{"suffix ignore case", `{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}`, `{"detail":{"FileName":"IMAGE.PNG"}}`, true},

		// equals-ignore-case.
		{"equals ignore case", `{"detail-type":[{"equals-ignore-case":"ec2 instance state-change notification"}]}`, `{"detail-type":"EC2 Instance State-change Notification"}`, true},
		{"equals ignore case no", `{"Name":[{"equals-ignore-case":"alice"}]}`, `{"Name":"alicia"}`, false},

		// anything-but.
		{"anything-but string", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, `{"detail":{"state":"running"}}`, true},
		{"anything-but string same", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, `{"detail":{"state":"initializing"}}`, false},
		{"anything-but missing field", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, `{"detail":{}}`, false},
		{"anything-but number", `{"detail":{"x-limit":[{"anything-but":123}]}}`, `{"detail":{"x-limit":123.0}}`, false},
		{"anything-but number other", `{"detail":{"x-limit":[{"anything-but":123}]}}`, `{"detail":{"x-limit":124}}`, true},
		{"anything-but list", `{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}`, `{"detail":{"state":"overloaded"}}`, false},
		{"anything-but list other", `{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}`, `{"detail":{"state":"running"}}`, true},
		{"anything-but number list", `{"detail":{"x-limit":[{"anything-but":[100,200,300]}]}}`, `{"detail":{"x-limit":200}}`, false},
		{"anything-but prefix", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, `{"detail":{"state":"initializing"}}`, false},
		{"anything-but prefix other", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, `{"detail":{"state":"running"}}`, true},
		{"anything-but prefix list", `{"Region":[{"anything-but":{"prefix":["us-","eu-"]}}]}`, `{"Region":"eu-west-1"}`, false},
		{"anything-but suffix", `{"FileName":[{"anything-but":{"suffix":".txt"}}]}`, `{"FileName":"notes.txt"}`, false},
		{"anything-but suffix other", `{"FileName":[{"anything-but":{"suffix":".txt"}}]}`, `{"FileName":"notes.md"}`, true},
		{"anything-but ignore case", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":"initializing"}}]}}`, `{"detail":{"state":"INITIALIZING"}}`, false},
		{"anything-but ignore case list", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":["Stopped","Overloaded"]}}]}}`, `{"detail":{"state":"running"}}`, true},
		{"anything-but wildcard", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/lib/x.so"}`, false},
		{"anything-but wildcard other", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/bin/x"}`, true},
		{"anything-but array one element", `{"tags":[{"anything-but":"a"}]}`, `{"tags":["a","b"]}`, true},

		// numeric.
		{"numeric range", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, `{"detail":{"c-count":5}}`, true},
		{"numeric range above", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, `{"detail":{"c-count":5.0001}}`, false},
		{"numeric exclusive lower", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, `{"detail":{"c-count":0}}`, false},
		{"numeric less than", `{"detail":{"d-count":[{"numeric":["<",10]}]}}`, `{"detail":{"d-count":9.999}}`, true},
		{"numeric equals", `{"detail":{"x-limit":[{"numeric":["=",3.018e2]}]}}`, `{"detail":{"x-limit":301.8}}`, true},
		{"numeric decimal precision", `{"n":[{"numeric":[">",0.1]}]}`, `{"n":0.10000000000000001}`, true},
		{"numeric greater or equal", `{"detail":{"severity":[{"numeric":[">=",4]}]}}`, `{"detail":{"severity":4.0}}`, true},
		{"numeric negative", `{"n":[{"numeric":[">=",-5,"<",-1]}]}`, `{"n":-1.5}`, true},
		{"numeric on string", `{"n":[{"numeric":[">",0]}]}`, `{"n":"5"}`, false},
		{"numeric array", `{"n":[{"numeric":[">",10]}]}`, `{"n":[1,2,30]}`, true},

		// exists.
		{"exists true", `{"detail":{"state":[{"exists":true}]}}`, `{"detail":{"state":"x"}}`, true},
		{"exists true missing", `{"detail":{"state":[{"exists":true}]}}`, `{"detail":{}}`, false},
		{"exists false missing", `{"detail":{"state":[{"exists":false}]}}`, `{"detail":{}}`, true},
		{"exists false present", `{"detail":{"state":[{"exists":false}]}}`, `{"detail":{"state":"x"}}`, false},
		{"exists false no parent", `{"detail":{"state":[{"exists":false}]}}`, `{"source":"x"}`, true},
		{"exists true null", `{"a":[{"exists":true}]}`, `{"a":null}`, true},
		{"exists true empty array", `{"a":[{"exists":true}]}`, `{"a":[]}`, false},
		{"exists true on object", `{"a":[{"exists":true}]}`, `{"a":{"b":1}}`, false},
		{"exists false or value", `{"c":[{"exists":false},"FAILED"]}`, `{"c":"FAILED"}`, true},

		// wildcard.
		{"wildcard", `{"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]}`, `{"EventBusArn":"arn:aws:events:us-east-1:123456789012:event-bus/default"}`, true},
		{"wildcard no", `{"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]}`, `{"EventBusArn":"arn:aws:events:eu-west-1:123456789012:event-bus/default"}`, false},
		{"wildcard empty run", `{"f":[{"wildcard":"dir/*.png"}]}`, `{"f":"dir/.png"}`, true},
		{"wildcard no star exact", `{"f":[{"wildcard":"a.png"}]}`, `{"f":"a.png"}`, true},
		{"wildcard escaped star", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"a*b"}`, true},
		{"wildcard escaped star literal", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"axb"}`, false},
		{"wildcard overlap", `{"f":[{"wildcard":"*ab*ab"}]}`, `{"f":"abab"}`, true},
		{"wildcard overlap short", `{"f":[{"wildcard":"ab*ab"}]}`, `{"f":"ab"}`, false},

		// cidr.
		{"cidr ipv4", `{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}}`, `{"detail":{"sourceIPAddress":"10.0.0.255"}}`, true},
		{"cidr ipv4 outside", `{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}}`, `{"detail":{"sourceIPAddress":"10.0.1.1"}}`, false},
		{"cidr ipv6", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:0db8:85a3:0000:0000:8a2e:0370:7334"}`, true},
		{"cidr ipv6 outside", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db9::1"}`, false},
		{"cidr not an address", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"ten"}`, false},
		{"cidr unmasked prefix", `{"ip":[{"cidr":"10.0.0.5/24"}]}`, `{"ip":"10.0.0.200"}`, true},

		// $or.
		{"or first", `{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]}]}`, `{"c-count":3}`, true},
		{"or second", `{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]}]}`, `{"d-count":3}`, true},
		{"or neither", `{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]}]}`, `{"c-count":9,"d-count":11}`, false},
		{"or nested with and", `{"source":["aws.ec2"],"detail":{"$or":[{"state":["running"]},{"code":[16]}]}}`, `{"source":"aws.ec2","detail":{"code":16.0}}`, true},
		{"or nested and fails", `{"source":["aws.ec2"],"detail":{"$or":[{"state":["running"]},{"code":[16]}]}}`, `{"source":"aws.s3","detail":{"code":16}}`, false},

		// Arrays of objects match within one element.
		{"array of objects", `{"findings":{"Severity":{"Label":["HIGH"]}}}`, `{"findings":[{"Severity":{"Label":"LOW"}},{"Severity":{"Label":"HIGH"}}]}`, true},
		{"array element consistency", `{"findings":{"a":["1"],"b":["2"]}}`, `{"findings":[{"a":"1","b":"x"},{"a":"x","b":"2"}]}`, false},
		{"array element consistency same", `{"findings":{"a":["1"],"b":["2"]}}`, `{"findings":[{"a":"1","b":"x"},{"a":"1","b":"2"}]}`, true},
		{"array element exists false", `{"f":{"s":[{"exists":false},"FAILED"]}}`, `{"f":[{"s":"WARNING"}]}`, false},
		{"nested arrays flatten", `{"a":["x"]}`, `{"a":[["y"],["x"]]}`, true},
		{"object where value expected", `{"detail":["x"]}`, `{"detail":{"x":1}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile([]byte(tt.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tt.pattern, err)
			}
			got, err := p.Match([]byte(tt.event))
			if err != nil {
				t.Fatalf("Match(%s): %v", tt.event, err)
			}
			if got != tt.want {
				t.Errorf("pattern %s on event %s = %v, want %v", tt.pattern, tt.event, got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		path    string
		message string
	}{
		{"not json", `{"source":`, "", "not valid JSON"},
		{"not object", `["aws.ec2"]`, "", "must be a JSON object"},
		{"empty", `{}`, "", "empty pattern"},
		{"scalar value", `{"source":"aws.ec2"}`, "source", "write a list of values"},
		{"empty list", `{"source":[]}`, "source", "empty list"},
		{"empty object", `{"detail":{}}`, "detail", "empty object"},
		{"nested list", `{"source":[["a"]]}`, "source[0]", "nested lists"},
		{"unknown operator", `{"n":[{"numberic":[">",1]}]}`, "n[0].numberic", "unknown operator"},
		{"two operators", `{"n":[{"prefix":"a","suffix":"b"}]}`, "n[0]", "exactly one operator"},
		{"prefix number", `{"n":[{"prefix":1}]}`, "n[0].prefix", "takes a string"},
		{"numeric odd", `{"n":[{"numeric":[">"]}]}`, "n[0].numeric", "one or two comparisons"},
		{"numeric bad op", `{"n":[{"numeric":["!=",1]}]}`, "n[0].numeric[0]", "unknown comparison"},
		{"numeric string bound", `{"n":[{"numeric":[">","1"]}]}`, "n[0].numeric[1]", "expected a number"},
		{"numeric two lower", `{"n":[{"numeric":[">",1,">=",2]}]}`, "n[0].numeric[2]", "two lower bounds"},
		{"numeric equals pair", `{"n":[{"numeric":["=",1,"<",2]}]}`, "n[0].numeric[0]", "cannot be combined"},
		{"numeric empty range", `{"n":[{"numeric":[">",5,"<",1]}]}`, "n[0].numeric", "empty range"},
		{"numeric huge", `{"n":[{"numeric":[">",1e999]}]}`, "n[0].numeric[1]", "invalid number"},
		{"exists string", `{"n":[{"exists":"true"}]}`, "n[0].exists", "true or false"},
		{"cidr invalid", `{"ip":[{"cidr":"10.0.0.0/33"}]}`, "ip[0].cidr", "invalid CIDR"},
		{"cidr bare address", `{"ip":[{"cidr":"10.0.0.1"}]}`, "ip[0].cidr", "invalid CIDR"},
		{"wildcard double star", `{"f":[{"wildcard":"a**b"}]}`, "f[0].wildcard", "consecutive *"},
		{"wildcard bad escape", `{"f":[{"wildcard":"a\\b"}]}`, "f[0].wildcard", "invalid escape"},
		{"anything-but mixed list", `{"s":[{"anything-but":["a",1]}]}`, "s[0].anything-but", "not both"},
		{"anything-but empty list", `{"s":[{"anything-but":[]}]}`, "s[0].anything-but", "list is empty"},
		{"anything-but bool", `{"s":[{"anything-but":true}]}`, "s[0].anything-but", "anything-but takes"},
		{"anything-but numeric", `{"s":[{"anything-but":{"numeric":[">",1]}}]}`, "s[0].anything-but.numeric", "unknown anything-but operator"},
		{"or not list", `{"$or":{"a":["b"]}}`, "$or", "non-empty list"},
		{"or element not object", `{"$or":["a"]}`, "$or[0]", "non-empty object"},
		{"trailing data", `{"a":["b"]} x`, "", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(tt.pattern))
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Compile(%s) = %v, want *Error", tt.pattern, err)
			}
			if perr.Path != tt.path {
				t.Errorf("Compile(%s) path = %q, want %q", tt.pattern, perr.Path, tt.path)
			}
			if !strings.Contains(perr.Message, tt.message) {
				t.Errorf("Compile(%s) message = %q, want it to contain %q", tt.pattern, perr.Message, tt.message)
			}
		})
	}
}

func TestMatchInvalidEvent(t *testing.T) {
	p := MustCompile(`{"source":["x"]}`)
	if _, err := p.Match([]byte(`{"source":`)); err == nil {
		t.Error("Match on truncated JSON returned no error")
	}
}

func TestMarshalJSONKeepsSource(t *testing.T) {
	src := `{"source": ["aws.guardduty"]}`
	b, err := MustCompile(src).MarshalJSON()
	if err != nil || string(b) != src {
		t.Errorf("MarshalJSON = %s, %v; want %s", b, err, src)
	}
}
