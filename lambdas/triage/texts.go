package triage

import "fmt"

// Message keys of the texts people read: the approval request and the ticket comments.
const (
	msgIsolateAction = iota
	msgRevokeAction
	msgTicketSubject
	msgUpdate
	msgIsolated
	msgConfirmed
	msgRejected
	msgReleased
	msgProtected
	msgRevoked
	msgFailed
)

// texts holds each message in nl, fr and en, as fmt formats.
var texts = map[int]map[string]string{
	msgIsolateAction: {
		"en": "Isolate EC2 instance %s in the quarantine security group and snapshot its volumes, because of the alert %q.",
		"nl": "EC2-instantie %s isoleren in de quarantaine-securitygroup en snapshots van haar volumes nemen, wegens de melding %q.",
		"fr": "Isoler l'instance EC2 %s dans le groupe de sécurité de quarantaine et prendre un instantané de ses volumes, en raison de l'alerte %q.",
	},
	msgRevokeAction: {
		"en": "Deactivate the %[2]d active access keys of IAM user %[1]s, because of the alert %[3]q.",
		"nl": "De %[2]d actieve toegangssleutels van IAM-gebruiker %[1]s deactiveren, wegens de melding %[3]q.",
		"fr": "Désactiver les %[2]d clés d'accès actives de l'utilisateur IAM %[1]s, en raison de l'alerte %[3]q.",
	},
	msgTicketSubject: {
		"en": "Security alert: %s",
		"nl": "Beveiligingsmelding: %s",
		"fr": "Alerte de sécurité : %s",
	},
	msgUpdate: {
		"en": "The finding was updated (severity %g, last seen %s). It is attached to this case; no second containment was started.",
		"nl": "De melding werd bijgewerkt (ernst %g, laatst gezien %s). Ze is aan deze case gekoppeld; er werd geen tweede indamming gestart.",
		"fr": "L'alerte a été mise à jour (gravité %g, vue pour la dernière fois %s). Elle est rattachée à ce dossier ; aucun second confinement n'a été lancé.",
	},
	msgIsolated: {
		"en": "Instance %s is isolated in security group %s after approval by %s. Volume snapshots: %s.",
		"nl": "Instantie %s is geïsoleerd in securitygroup %s na goedkeuring door %s. Snapshots van de volumes: %s.",
		"fr": "L'instance %s est isolée dans le groupe de sécurité %s après approbation par %s. Instantanés des volumes : %s.",
	},
	msgConfirmed: {
		"en": "Instance %s was isolated in security group %s before the approval, and %s confirmed the isolation. Volume snapshots: %s.",
		"nl": "Instantie %s werd vóór de goedkeuring geïsoleerd in securitygroup %s, en %s bevestigde de isolatie. Snapshots van de volumes: %s.",
		"fr": "L'instance %s a été isolée dans le groupe de sécurité %s avant l'approbation, et %s a confirmé l'isolement. Instantanés des volumes : %s.",
	},
	msgRejected: {
		"en": "The containment was rejected (%s). Nothing was changed; an analyst reviews the alert.",
		"nl": "De indamming werd geweigerd (%s). Er werd niets gewijzigd; een analist bekijkt de melding.",
		"fr": "Le confinement a été refusé (%s). Rien n'a été modifié ; un analyste examine l'alerte.",
	},
	msgReleased: {
		"en": "The isolation of instance %s was rejected (%s), so the instance was released to its original security groups. The snapshots are kept.",
		"nl": "De isolatie van instantie %s werd geweigerd (%s), dus kreeg de instantie haar oorspronkelijke securitygroups terug. De snapshots blijven bewaard.",
		"fr": "L'isolement de l'instance %s a été refusé (%s) ; l'instance a donc retrouvé ses groupes de sécurité d'origine. Les instantanés sont conservés.",
	},
	msgProtected: {
		"en": "Instance %s is protected (%s), so it was not isolated. An engineer must contain it by hand.",
		"nl": "Instantie %s is beschermd (%s), dus werd ze niet geïsoleerd. Een engineer moet ze manueel indammen.",
		"fr": "L'instance %s est protégée (%s) ; elle n'a donc pas été isolée. Un ingénieur doit la confiner manuellement.",
	},
	msgRevoked: {
		"en": "The access keys of IAM user %s are deactivated after approval by %s; none was deleted.",
		"nl": "De toegangssleutels van IAM-gebruiker %s zijn gedeactiveerd na goedkeuring door %s; geen enkele werd verwijderd.",
		"fr": "Les clés d'accès de l'utilisateur IAM %s sont désactivées après approbation par %s ; aucune n'a été supprimée.",
	},
	msgFailed: {
		"en": "The automated containment failed (%s: %s). What was isolated is listed above; an engineer must finish by hand.",
		"nl": "De automatische indamming is mislukt (%s: %s). Wat geïsoleerd werd, staat hierboven; een engineer moet manueel afwerken.",
		"fr": "Le confinement automatique a échoué (%s : %s). Ce qui a été isolé figure ci-dessus ; un ingénieur doit terminer manuellement.",
	},
}

// text formats the message in the tenant's locale, falling back to English.
func (s *Steps) text(key int, args ...any) string {
	format, ok := texts[key][s.tenant().Locale]
	if !ok {
		format = texts[key]["en"]
	}
	return fmt.Sprintf(format, args...)
}
