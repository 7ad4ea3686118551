package virustotal

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/secamo/orchestrator/adapters/intel"
)

// objectResponse is the part of an IP address, domain or file object that the client reads.
type objectResponse struct {
	Data *struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			LastAnalysisStats *analysisStats `json:"last_analysis_stats"`
			Reputation        int            `json:"reputation"`
			LastAnalysisDate  int64          `json:"last_analysis_date"`
			Country           string         `json:"country"`
			ASOwner           string         `json:"as_owner"`
			Registrar         string         `json:"registrar"`
			MeaningfulName    string         `json:"meaningful_name"`
			TypeDescription   string         `json:"type_description"`
		} `json:"attributes"`
	} `json:"data"`
}

// analysisStats counts the engines' verdicts of the last analysis.
type analysisStats struct {
	Harmless   int `json:"harmless"`
	Malicious  int `json:"malicious"`
	Suspicious int `json:"suspicious"`
	Undetected int `json:"undetected"`
	Timeout    int `json:"timeout"`
}

// errorResponse is VirusTotal's error body.
type errorResponse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// decodeObject reads the score, verdict and details of an object; the caller fills in the
// indicator, source, link and time.
func decodeObject(body []byte) (intel.Result, error) {
	var or objectResponse
	if err := json.Unmarshal(body, &or); err != nil {
		return intel.Result{}, fmt.Errorf("VirusTotal returned an unreadable object: %v", err)
	}
	if or.Data == nil || or.Data.Attributes.LastAnalysisStats == nil {
		return intel.Result{}, fmt.Errorf("VirusTotal object has no data.attributes.last_analysis_stats")
	}
	a := or.Data.Attributes
	s := *a.LastAnalysisStats
	details := map[string]any{
		"malicious":  s.Malicious,
		"suspicious": s.Suspicious,
		"harmless":   s.Harmless,
		"undetected": s.Undetected,
		"reputation": a.Reputation,
	}
	for name, v := range map[string]string{"country": a.Country, "asOwner": a.ASOwner, "registrar": a.Registrar,
		"meaningfulName": a.MeaningfulName, "typeDescription": a.TypeDescription} {
		if v != "" {
			details[name] = v
		}
	}
	score, v := judge(s)
	return intel.Result{Score: score, Verdict: v, Details: details}, nil
}

// judge turns engine counts into a score and a verdict. The score is the percentage of
// engines with an opinion (all but timeouts) that reported malicious or suspicious. The
// verdict thresholds are this project's choice: VirusTotal reports counts, not a verdict.
func judge(s analysisStats) (int, intel.Verdict) {
	flagged := s.Malicious + s.Suspicious
	total := flagged + s.Harmless + s.Undetected
	if total == 0 {
		return 0, intel.VerdictUnknown
	}
	score := flagged * 100 / total
	switch {
	case s.Malicious >= 3:
		return score, intel.VerdictMalicious
	case flagged > 0:
		return score, intel.VerdictSuspicious
	default:
		return score, intel.VerdictHarmless
	}
}

func errorCode(body []byte) string {
	var er errorResponse
	if json.Unmarshal(body, &er) != nil {
		return ""
	}
	return er.Error.Code
}

// describeFailure turns a response other than 200 or 404 into the reason of an unavailable
// result, with VirusTotal's error code and message.
func describeFailure(resp *intel.Response) string {
	detail := ""
	var er errorResponse
	if json.Unmarshal(resp.Body, &er) == nil && er.Error.Code != "" {
		detail = fmt.Sprintf(": %s: %s", er.Error.Code, er.Error.Message)
	}
	switch {
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
		return fmt.Sprintf("VirusTotal rejected the API key (HTTP %d)%s; check the key reference", resp.Status, detail)
	case resp.Status == http.StatusTooManyRequests:
		msg := "VirusTotal minute or daily quota exceeded (HTTP 429)" + detail
		if resp.RetryAfter > 0 {
			msg += fmt.Sprintf("; retry after %s", resp.RetryAfter)
		}
		return msg
	case resp.Status >= 500:
		return fmt.Sprintf("VirusTotal is unavailable (HTTP %d)%s", resp.Status, detail)
	default:
		return fmt.Sprintf("VirusTotal rejected the lookup (HTTP %d)%s", resp.Status, detail)
	}
}
