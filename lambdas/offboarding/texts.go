package offboarding

import (
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/identity"
)

// texts are the user-facing sentences of one language. Plural forms take the count first.
type texts struct {
	disableAccount string // %s: display name
	revokeSessions string
	removeGroups   func(n int) string
	removeLicenses func(n int) string
	deactivateKeys func(n int) string
	disableAD      string // %s: target OU
	and            string
	itemText       map[ItemKind]string // %s: item name, %s: target
	// membershipText replaces itemText[KindGroup] for a directory role or an administrative
	// unit (%s: its name).
	membershipText  map[identity.MembershipKind]string
	status          map[Status]string
	planHeader      string // %s: display name
	resultHeader    string // %s: display name
	failureHeader   string // %s: display name, %s: error
	nothingChanged  string
	doneHeading     string
	notDoneHeading  string
	skippedHeading  string
	rejected        string // %s: display name, %s: approver
	approverComment string // %s: comment
	resolveNote     string // %s: display name
	escalated       string
	// skipReasons are the reasons an item is not changed, by PlanItem.SkipCode (%s: SkipArg).
	skipReasons map[string]string
	// findings are the texts of verification results, by Finding.Code (%s: Finding.Args).
	findings map[string]string
	// failures name the workflow errors that need no technical detail, by error name.
	failures map[string]string
}

func plural(one, many string) func(int) string {
	return func(n int) string {
		if n == 1 {
			return fmt.Sprintf(one, n)
		}
		return fmt.Sprintf(many, n)
	}
}

var languages = map[string]*texts{
	"en": {
		disableAccount: "disable the account of %s",
		revokeSessions: "revoke its sign-in sessions",
		removeGroups:   plural("remove %d membership", "remove %d memberships"),
		removeLicenses: plural("remove %d licence", "remove %d licences"),
		deactivateKeys: plural("deactivate %d AWS access key", "deactivate %d AWS access keys"),
		disableAD:      "disable the AD account and move it to %s",
		and:            "and",
		itemText: map[ItemKind]string{
			KindEntraAccount: "Disable the Entra ID account %s",
			KindSessions:     "Revoke the sign-in sessions of %s",
			KindGroup:        "Remove from group %s",
			KindADGroup:      "Remove from AD group %s",
			KindLicense:      "Remove licence %s",
			KindADAccount:    "Disable the AD account %s, reset its password and move it to %s",
			KindAccessKey:    "Deactivate AWS access key %s of IAM user %s",
		},
		membershipText: map[identity.MembershipKind]string{
			identity.KindDirectoryRole:      "Remove the directory role %s",
			identity.KindAdministrativeUnit: "Remove from administrative unit %s",
		},
		status: map[Status]string{
			StatusChanged: "done", StatusAlreadyDone: "already done", StatusVerified: "done and verified",
			StatusSkipped: "skipped", StatusFailed: "failed", StatusNotDone: "NOT DONE",
		},
		planHeader:      "Offboarding plan for %s (dry run: nothing was changed):",
		resultHeader:    "Offboarding of %s is complete. Every change below was verified by reading it back.",
		failureHeader:   "Offboarding of %s did not complete: %s",
		nothingChanged:  "Nothing was changed.",
		doneHeading:     "Done and verified:",
		notDoneHeading:  "Not done:",
		skippedHeading:  "Not changed:",
		rejected:        "Offboarding of %s was rejected by %s. Nothing was changed.",
		approverComment: "Comment of the approver: %s",
		resolveNote:     "%s has been offboarded; every change was verified.",
		escalated:       "An engineer has been asked to finish this request.",
		// NOTE: the approval wait is the only task of user-offboarding with a timeout. A task
		// that gets one later would be reported as a missing approval too.
		failures: map[string]string{
			"States.Timeout":        "no approval within the time limit",
			"OffboardingIncomplete": "not every planned change is in place",
		},
		findings: map[string]string{
			findAccountEnabled:     "account enabled",
			findAccountDisabled:    "account disabled",
			findMember:             "still a member",
			findNotMember:          "not a member",
			findLicenceAssigned:    "licence still assigned",
			findLicenceNotAssigned: "licence not assigned",
			findADEnabledAt:        "account enabled, at %s",
			findADDisabledAt:       "account disabled, at %s",
			findSessionsValidSince: "sessions valid since %s, before the plan of %s",
			findSessionsRevokedAt:  "sessions revoked at %s",
			findKeyGone:            "key no longer exists",
			findKeyStatus:          "key %s",
		},
		skipReasons: map[string]string{
			skipSyncedAccount:                "synchronised from on-premises AD: disabled on the AD side",
			skipGuestSessions:                "guest: the sessions belong to the home tenant",
			skipDynamicGroup:                 "dynamic group: membership follows a rule and ends with the disabled account",
			skipSyncedMembership:             "synchronised from on-premises AD: removed on the AD side",
			skipNotRemovable:                 "not removable through Microsoft Graph",
			skipLicenceByGroup:               "assigned through group %s: goes away with that membership",
			skipExpiredKey:                   "expired key: cannot be used",
			identity.NotRemovableSynced:      "group is synchronised from on-premises AD: remove the membership in AD",
			identity.NotRemovableDynamic:     "dynamic membership rule: change the rule or the user's attributes",
			identity.NotRemovableMailEnabled: "mail-enabled security group or distribution list: remove the membership in Exchange Online",
			identity.NotRemovableKind:        "the adapter does not remove memberships of this object type",
		},
	},
	"nl": {
		disableAccount: "het account van %s uitschakelen",
		revokeSessions: "de aanmeldsessies intrekken",
		removeGroups:   plural("%d lidmaatschap verwijderen", "%d lidmaatschappen verwijderen"),
		removeLicenses: plural("%d licentie verwijderen", "%d licenties verwijderen"),
		deactivateKeys: plural("%d AWS-toegangssleutel deactiveren", "%d AWS-toegangssleutels deactiveren"),
		disableAD:      "het AD-account uitschakelen en verplaatsen naar %s",
		and:            "en",
		itemText: map[ItemKind]string{
			KindEntraAccount: "Het Entra ID-account %s uitschakelen",
			KindSessions:     "De aanmeldsessies van %s intrekken",
			KindGroup:        "Verwijderen uit groep %s",
			KindADGroup:      "Verwijderen uit AD-groep %s",
			KindLicense:      "Licentie %s verwijderen",
			KindADAccount:    "Het AD-account %s uitschakelen, het wachtwoord opnieuw instellen en verplaatsen naar %s",
			KindAccessKey:    "AWS-toegangssleutel %s van IAM-gebruiker %s deactiveren",
		},
		membershipText: map[identity.MembershipKind]string{
			identity.KindDirectoryRole:      "De directoryrol %s intrekken",
			identity.KindAdministrativeUnit: "Verwijderen uit administratieve eenheid %s",
		},
		status: map[Status]string{
			StatusChanged: "uitgevoerd", StatusAlreadyDone: "was al zo", StatusVerified: "uitgevoerd en gecontroleerd",
			StatusSkipped: "overgeslagen", StatusFailed: "mislukt", StatusNotDone: "NIET UITGEVOERD",
		},
		planHeader:      "Offboardingplan voor %s (proefrun: er is niets gewijzigd):",
		resultHeader:    "De offboarding van %s is voltooid. Elke wijziging hieronder is gecontroleerd door ze terug te lezen.",
		failureHeader:   "De offboarding van %s is niet voltooid: %s",
		nothingChanged:  "Er is niets gewijzigd.",
		doneHeading:     "Uitgevoerd en gecontroleerd:",
		notDoneHeading:  "Niet uitgevoerd:",
		skippedHeading:  "Niet gewijzigd:",
		rejected:        "De offboarding van %s is geweigerd door %s. Er is niets gewijzigd.",
		approverComment: "Opmerking van de goedkeurder: %s",
		resolveNote:     "%s is uit dienst verwerkt; elke wijziging is gecontroleerd.",
		escalated:       "Een engineer is gevraagd deze aanvraag af te werken.",
		failures: map[string]string{
			"States.Timeout":        "geen goedkeuring binnen de termijn",
			"OffboardingIncomplete": "niet elke geplande wijziging is doorgevoerd",
		},
		findings: map[string]string{
			findAccountEnabled:     "account ingeschakeld",
			findAccountDisabled:    "account uitgeschakeld",
			findMember:             "nog steeds lid",
			findNotMember:          "geen lid",
			findLicenceAssigned:    "licentie nog toegekend",
			findLicenceNotAssigned: "licentie niet toegekend",
			findADEnabledAt:        "account ingeschakeld, in %s",
			findADDisabledAt:       "account uitgeschakeld, in %s",
			findSessionsValidSince: "sessies geldig sinds %s, vóór het plan van %s",
			findSessionsRevokedAt:  "sessies ingetrokken op %s",
			findKeyGone:            "sleutel bestaat niet meer",
			findKeyStatus:          "sleutel %s",
		},
		skipReasons: map[string]string{
			skipSyncedAccount:                "gesynchroniseerd vanuit de on-premises AD: wordt aan de AD-kant uitgeschakeld",
			skipGuestSessions:                "gast: de sessies horen bij de thuistenant",
			skipDynamicGroup:                 "dynamische groep: het lidmaatschap volgt een regel en eindigt met het uitgeschakelde account",
			skipSyncedMembership:             "gesynchroniseerd vanuit de on-premises AD: wordt aan de AD-kant verwijderd",
			skipNotRemovable:                 "niet te verwijderen via Microsoft Graph",
			skipLicenceByGroup:               "toegekend via groep %s: verdwijnt met dat lidmaatschap",
			skipExpiredKey:                   "verlopen sleutel: niet meer bruikbaar",
			identity.NotRemovableSynced:      "groep gesynchroniseerd vanuit de on-premises AD: verwijder het lidmaatschap in AD",
			identity.NotRemovableDynamic:     "dynamische lidmaatschapsregel: pas de regel of de kenmerken van de gebruiker aan",
			identity.NotRemovableMailEnabled: "beveiligingsgroep met e-mail of distributielijst: verwijder het lidmaatschap in Exchange Online",
			identity.NotRemovableKind:        "dit type object wordt niet automatisch aangepast",
		},
	},
	"fr": {
		disableAccount: "désactiver le compte de %s",
		revokeSessions: "révoquer ses sessions de connexion",
		removeGroups:   plural("retirer %d appartenance", "retirer %d appartenances"),
		removeLicenses: plural("retirer %d licence", "retirer %d licences"),
		deactivateKeys: plural("désactiver %d clé d'accès AWS", "désactiver %d clés d'accès AWS"),
		disableAD:      "désactiver le compte AD et le déplacer vers %s",
		and:            "et",
		itemText: map[ItemKind]string{
			KindEntraAccount: "Désactiver le compte Entra ID %s",
			KindSessions:     "Révoquer les sessions de connexion de %s",
			KindGroup:        "Retirer du groupe %s",
			KindADGroup:      "Retirer du groupe AD %s",
			KindLicense:      "Retirer la licence %s",
			KindADAccount:    "Désactiver le compte AD %s, réinitialiser son mot de passe et le déplacer vers %s",
			KindAccessKey:    "Désactiver la clé d'accès AWS %s de l'utilisateur IAM %s",
		},
		membershipText: map[identity.MembershipKind]string{
			identity.KindDirectoryRole:      "Retirer le rôle d'annuaire %s",
			identity.KindAdministrativeUnit: "Retirer de l'unité administrative %s",
		},
		status: map[Status]string{
			StatusChanged: "fait", StatusAlreadyDone: "déjà fait", StatusVerified: "fait et vérifié",
			StatusSkipped: "ignoré", StatusFailed: "échec", StatusNotDone: "NON FAIT",
		},
		planHeader:      "Plan de départ pour %s (simulation : rien n'a été modifié) :",
		resultHeader:    "Le départ de %s est traité. Chaque modification ci-dessous a été vérifiée par relecture.",
		failureHeader:   "Le départ de %s n'a pas abouti : %s",
		nothingChanged:  "Rien n'a été modifié.",
		doneHeading:     "Fait et vérifié :",
		notDoneHeading:  "Non fait :",
		skippedHeading:  "Non modifié :",
		rejected:        "Le départ de %s a été refusé par %s. Rien n'a été modifié.",
		approverComment: "Commentaire de l'approbateur : %s",
		resolveNote:     "Le départ de %s est traité ; chaque modification a été vérifiée.",
		escalated:       "Un ingénieur a été chargé de terminer cette demande.",
		failures: map[string]string{
			"States.Timeout":        "aucune approbation dans le délai",
			"OffboardingIncomplete": "toutes les modifications prévues ne sont pas en place",
		},
		findings: map[string]string{
			findAccountEnabled:     "compte activé",
			findAccountDisabled:    "compte désactivé",
			findMember:             "toujours membre",
			findNotMember:          "pas membre",
			findLicenceAssigned:    "licence toujours attribuée",
			findLicenceNotAssigned: "licence non attribuée",
			findADEnabledAt:        "compte activé, dans %s",
			findADDisabledAt:       "compte désactivé, dans %s",
			findSessionsValidSince: "sessions valides depuis %s, avant le plan du %s",
			findSessionsRevokedAt:  "sessions révoquées le %s",
			findKeyGone:            "la clé n'existe plus",
			findKeyStatus:          "clé %s",
		},
		skipReasons: map[string]string{
			skipSyncedAccount:                "synchronisé depuis l'AD local : désactivé côté AD",
			skipGuestSessions:                "invité : les sessions appartiennent au locataire d'origine",
			skipDynamicGroup:                 "groupe dynamique : l'appartenance suit une règle et prend fin avec le compte désactivé",
			skipSyncedMembership:             "synchronisé depuis l'AD local : retiré côté AD",
			skipNotRemovable:                 "impossible à retirer via Microsoft Graph",
			skipLicenceByGroup:               "attribuée par le groupe %s : disparaît avec cette appartenance",
			skipExpiredKey:                   "clé expirée : inutilisable",
			identity.NotRemovableSynced:      "groupe synchronisé depuis l'AD local : retirez l'appartenance dans l'AD",
			identity.NotRemovableDynamic:     "règle d'appartenance dynamique : modifiez la règle ou les attributs de l'utilisateur",
			identity.NotRemovableMailEnabled: "groupe de sécurité à extension messagerie ou liste de distribution : retirez l'appartenance dans Exchange Online",
			identity.NotRemovableKind:        "ce type d'objet n'est pas modifié automatiquement",
		},
	},
}

// textsFor returns the texts of the locale, English for an unknown one.
// Codes of PlanItem.SkipCode that the plan sets itself; the others are the codes of
// identity.Membership.NotRemovableCode.
const (
	skipSyncedAccount    = "synced-account"
	skipGuestSessions    = "guest-sessions"
	skipDynamicGroup     = "dynamic-group"
	skipSyncedMembership = "synced-membership"
	skipNotRemovable     = "not-removable"
	skipLicenceByGroup   = "licence-by-group" // SkipArg: the group's name
	skipExpiredKey       = "expired-key"
)

// skipReason returns why it is not changed, in the texts' language when its code has a
// translation, else in English as the directory gave it.
func (t *texts) skipReason(it PlanItem) string {
	if text, ok := t.skipReasons[it.SkipCode]; ok {
		if strings.Contains(text, "%s") {
			return fmt.Sprintf(text, it.SkipArg)
		}
		return text
	}
	return it.SkipReason
}

// Codes of Finding.Code.
const (
	findAccountEnabled     = "account-enabled"
	findAccountDisabled    = "account-disabled"
	findMember             = "member"
	findNotMember          = "not-member"
	findLicenceAssigned    = "licence-assigned"
	findLicenceNotAssigned = "licence-not-assigned"
	findADEnabledAt        = "ad-enabled-at"        // Args: the account's distinguished name
	findADDisabledAt       = "ad-disabled-at"       // Args: the account's distinguished name
	findSessionsValidSince = "sessions-valid-since" // Args: since when, when the plan was made
	findSessionsRevokedAt  = "sessions-revoked-at"  // Args: since when
	findKeyGone            = "key-gone"
	findKeyStatus          = "key-status" // Args: the key's status
)

// failureText returns why the workflow failed, for the ticket: in the texts' language with
// the error's name for the errors of failures, else reason, the English message.
func (t *texts) failureText(e *StateError, reason string) string {
	if e != nil {
		if text, ok := t.failures[e.Error]; ok {
			return text + " (" + e.Error + ")"
		}
	}
	return reason
}

// finding returns what verification found in the texts' language.
func (t *texts) finding(f Finding) string {
	text, ok := t.findings[f.Code]
	if !ok {
		return f.Code
	}
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	return fmt.Sprintf(text, args...)
}

// skip marks it as not changed for the reason of code, with its English text as SkipReason.
func (it *PlanItem) skip(code, arg string) {
	it.SkipCode, it.SkipArg = code, arg
	it.SkipReason = languages["en"].skipReason(*it)
}

func textsFor(locale string) *texts {
	if t, ok := languages[locale]; ok {
		return t
	}
	return languages["en"]
}

// summarize writes the plan's one-sentence summary from the items that will change.
func summarize(t *texts, u Subject, items []PlanItem) string {
	count := map[ItemKind]int{}
	target := ""
	for _, it := range items {
		if it.SkipReason != "" {
			continue
		}
		count[it.Kind]++
		if it.Kind == KindADAccount {
			target = it.Target
		}
	}
	var parts []string
	if count[KindEntraAccount] > 0 || count[KindADAccount] > 0 {
		parts = append(parts, fmt.Sprintf(t.disableAccount, u.DisplayName))
	}
	if count[KindSessions] > 0 {
		parts = append(parts, t.revokeSessions)
	}
	if n := count[KindGroup] + count[KindADGroup]; n > 0 {
		parts = append(parts, t.removeGroups(n))
	}
	if n := count[KindLicense]; n > 0 {
		parts = append(parts, t.removeLicenses(n))
	}
	if n := count[KindAccessKey]; n > 0 {
		parts = append(parts, t.deactivateKeys(n))
	}
	if target != "" {
		parts = append(parts, fmt.Sprintf(t.disableAD, target))
	}
	if len(parts) == 0 {
		return ""
	}
	sentence := parts[0]
	if len(parts) > 1 {
		sentence = strings.Join(parts[:len(parts)-1], ", ") + " " + t.and + " " + parts[len(parts)-1]
	}
	runes := []rune(sentence)
	return strings.ToUpper(string(runes[:1])) + string(runes[1:]) + "."
}

// describe returns the item's line in a ticket comment.
func describe(t *texts, it PlanItem) string {
	name := it.Name
	if name == "" {
		name = it.ID
	}
	format := t.itemText[it.Kind]
	if f, ok := t.membershipText[it.Membership]; ok && it.Kind == KindGroup {
		format = f
	}
	if strings.Count(format, "%s") == 2 {
		return fmt.Sprintf(format, name, it.Target)
	}
	return fmt.Sprintf(format, name)
}
