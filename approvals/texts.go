package approvals

import (
	"fmt"
	"time"
)

// Texts are the user-facing sentences of the confirmation page, the e-mail and the Teams
// card in one language. Format verbs are filled in the order their comment gives.
type Texts struct {
	Lang        string
	Title       string
	Asks        string // requester
	Escalated   string
	LinkFor     string // approver
	What        string
	Why         string
	RequestedBy string
	Ticket      string
	ValidUntil  string
	Comment     string
	Approve     string
	Reject      string
	NothingYet  string
	OpenLink    string
	OpenFor     string // approver
	Subject     string // action
	Footer      string
	// Colon is the colon after a label, with the no-break space French puts before it.
	Colon string

	Approved        string
	Rejected        string
	AlreadyApproved string // approver, time
	AlreadyRejected string // approver, time
	Expired         string // time
	TimedOut        string
	NotWaiting      string
	Pending         string
	InvalidLink     string
	SelfApproval    string
	NotApprover     string // approver
	FormInvalid     string
	NotFound        string
	Unavailable     string
	BadRequest      string

	months [12]string
	at     string
}

var texts = map[string]*Texts{
	"en": {
		Lang:        "en",
		Title:       "Approval request",
		Asks:        "%s asks for your approval.",
		Escalated:   "Nobody at the previous level answered in time, so this request comes to you.",
		LinkFor:     "This link is for %s.",
		What:        "What will happen",
		Why:         "Why",
		RequestedBy: "Requested by",
		Ticket:      "Ticket",
		ValidUntil:  "Valid until",
		Comment:     "Comment (optional)",
		Approve:     "Approve",
		Reject:      "Reject",
		NothingYet:  "Nothing happens until you press one of the buttons.",
		OpenLink:    "Open the link to review the request and decide. Opening it changes nothing.",
		OpenFor:     "Review and decide (%s)",
		Subject:     "Approval needed: %s",
		Colon:       ":",
		Footer:      "Sent by the Secamo process orchestrator. Do not forward this message: the link is personal.",

		Approved:        "You approved the request. The workflow continues.",
		Rejected:        "You rejected the request. The workflow stops and the ticket is updated.",
		AlreadyApproved: "This request was already approved by %s on %s.",
		AlreadyRejected: "This request was already rejected by %s on %s.",
		Expired:         "This link expired on %s. Nothing was changed. If the action is still needed, ask for a new approval on the ticket.",
		TimedOut:        "Your decision arrived after the workflow stopped waiting, so it has no effect.",
		NotWaiting:      "The workflow no longer waits for this decision because it has finished or was stopped, so your decision has no effect.",
		Pending:         "Your decision is recorded. The workflow resumes as soon as the orchestrator can reach it.",
		InvalidLink:     "This link is not valid. It may have been altered or copied incompletely. Open the link in the original message.",
		SelfApproval:    "You asked for this action yourself, so you cannot approve it. Another approver must decide.",
		NotApprover:     "%s is not an approver of this request.",
		FormInvalid:     "This form was already sent or is not valid. Open the link in the message again.",
		NotFound:        "This approval request does not exist.",
		Unavailable:     "Your decision could not be recorded because of a temporary problem. Nothing was changed. Try again in a few minutes.",
		BadRequest:      "The form is incomplete. Open the link again and press Approve or Reject.",

		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		at:     "at",
	},
	"nl": {
		Lang:        "nl",
		Title:       "Goedkeuringsaanvraag",
		Asks:        "%s vraagt uw goedkeuring.",
		Escalated:   "Niemand van het vorige niveau heeft op tijd geantwoord, daarom komt deze aanvraag bij u terecht.",
		LinkFor:     "Deze link is bestemd voor %s.",
		What:        "Wat er zal gebeuren",
		Why:         "Waarom",
		RequestedBy: "Aangevraagd door",
		Ticket:      "Ticket",
		ValidUntil:  "Geldig tot",
		Comment:     "Opmerking (optioneel)",
		Approve:     "Goedkeuren",
		Reject:      "Weigeren",
		NothingYet:  "Er gebeurt niets zolang u niet op een van de knoppen drukt.",
		OpenLink:    "Open de link om de aanvraag te bekijken en te beslissen. De link openen verandert niets.",
		OpenFor:     "Bekijken en beslissen (%s)",
		Subject:     "Goedkeuring nodig: %s",
		Colon:       ":",
		Footer:      "Verzonden door de Secamo-procesorchestrator. Stuur dit bericht niet door: de link is persoonlijk.",

		Approved:        "U hebt de aanvraag goedgekeurd. De workflow gaat verder.",
		Rejected:        "U hebt de aanvraag geweigerd. De workflow stopt en het ticket wordt bijgewerkt.",
		AlreadyApproved: "Deze aanvraag werd al goedgekeurd door %s op %s.",
		AlreadyRejected: "Deze aanvraag werd al geweigerd door %s op %s.",
		Expired:         "Deze link is verlopen op %s. Er is niets gewijzigd. Is de actie nog nodig, vraag dan via het ticket een nieuwe goedkeuring aan.",
		TimedOut:        "Uw beslissing kwam binnen nadat de workflow gestopt was met wachten, dus ze heeft geen effect.",
		NotWaiting:      "De workflow wacht niet meer op deze beslissing omdat hij afgelopen is of gestopt werd, dus uw beslissing heeft geen effect.",
		Pending:         "Uw beslissing is geregistreerd. De workflow gaat verder zodra de orchestrator hem kan bereiken.",
		InvalidLink:     "Deze link is ongeldig. Hij werd mogelijk gewijzigd of onvolledig gekopieerd. Open de link in het oorspronkelijke bericht.",
		SelfApproval:    "U hebt deze actie zelf aangevraagd, dus u kunt ze niet goedkeuren. Een andere goedkeurder moet beslissen.",
		NotApprover:     "%s is geen goedkeurder van deze aanvraag.",
		FormInvalid:     "Dit formulier werd al verzonden of is ongeldig. Open de link in het bericht opnieuw.",
		NotFound:        "Deze goedkeuringsaanvraag bestaat niet.",
		Unavailable:     "Uw beslissing kon door een tijdelijk probleem niet worden geregistreerd. Er is niets gewijzigd. Probeer het over enkele minuten opnieuw.",
		BadRequest:      "Het formulier is onvolledig. Open de link opnieuw en druk op Goedkeuren of Weigeren.",

		months: [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
		at:     "om",
	},
	"fr": {
		Lang:        "fr",
		Title:       "Demande d’approbation",
		Asks:        "%s demande votre approbation.",
		Escalated:   "Personne au niveau précédent n’a répondu à temps, c’est pourquoi cette demande vous est adressée.",
		LinkFor:     "Ce lien est destiné à %s.",
		What:        "Ce qui va se passer",
		Why:         "Motif",
		RequestedBy: "Demandé par",
		Ticket:      "Ticket",
		ValidUntil:  "Valable jusqu’au",
		Comment:     "Commentaire (facultatif)",
		Approve:     "Approuver",
		Reject:      "Refuser",
		NothingYet:  "Rien ne se passe tant que vous n’appuyez pas sur l’un des boutons.",
		OpenLink:    "Ouvrez le lien pour examiner la demande et décider. L’ouvrir ne modifie rien.",
		OpenFor:     "Examiner et décider (%s)",
		Subject:     "Approbation requise\u00a0: %s",
		Colon:       "\u00a0:",
		Footer:      "Envoyé par l’orchestrateur de processus Secamo. Ne transférez pas ce message\u00a0: le lien est personnel.",

		Approved:        "Vous avez approuvé la demande. Le workflow continue.",
		Rejected:        "Vous avez refusé la demande. Le workflow s’arrête et le ticket est mis à jour.",
		AlreadyApproved: "Cette demande a déjà été approuvée par %s le %s.",
		AlreadyRejected: "Cette demande a déjà été refusée par %s le %s.",
		Expired:         "Ce lien a expiré le %s. Rien n’a été modifié. Si l’action est toujours nécessaire, demandez une nouvelle approbation dans le ticket.",
		TimedOut:        "Votre décision est arrivée après que le workflow a cessé d’attendre. Elle est donc sans effet.",
		NotWaiting:      "Le workflow n’attend plus cette décision, car il est terminé ou a été arrêté. Votre décision est donc sans effet.",
		Pending:         "Votre décision est enregistrée. Le workflow reprendra dès que l’orchestrateur pourra le joindre.",
		InvalidLink:     "Ce lien n’est pas valide. Il a peut-être été modifié ou copié de façon incomplète. Ouvrez le lien du message d’origine.",
		SelfApproval:    "Vous avez demandé cette action vous-même, vous ne pouvez donc pas l’approuver. Un autre approbateur doit décider.",
		NotApprover:     "%s ne fait pas partie des approbateurs de cette demande.",
		FormInvalid:     "Ce formulaire a déjà été envoyé ou n’est pas valide. Rouvrez le lien du message.",
		NotFound:        "Cette demande d’approbation n’existe pas.",
		Unavailable:     "Votre décision n’a pas pu être enregistrée en raison d’un problème temporaire. Rien n’a été modifié. Réessayez dans quelques minutes.",
		BadRequest:      "Le formulaire est incomplet. Rouvrez le lien et appuyez sur Approuver ou Refuser.",

		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		at:     "à",
	},
}

// TextsFor returns the texts of a locale (nl, fr or en); any other locale gets English.
func TextsFor(locale string) *Texts {
	if t, ok := texts[locale]; ok {
		return t
	}
	return texts["en"]
}

// FormatTime writes t in the texts' language and the location loc, such as
// "4 december 2026 om 14:30 (Europe/Brussels)". A nil loc means UTC.
func (x *Texts) FormatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return fmt.Sprintf("%d %s %d %s %02d:%02d (%s)", t.Day(), x.months[t.Month()-1], t.Year(), x.at,
		t.Hour(), t.Minute(), loc.String())
}
