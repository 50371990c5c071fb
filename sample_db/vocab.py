"""Names, documents and subjects the sample database is made of."""

from __future__ import annotations

from dataclasses import dataclass

# Every host, domain and address is a reserved name (RFC 2606, RFC 6761: ``.example``,
# ``example.com``): on a laptop with a network, nothing the sample names can be reached, so
# a Send now or a probe on it cannot log in to a real provider or mail a stranger
# (tests/test_sample_db.py scans every text of the sample and its log for this).
COMPANY = "Acme Shop"
DOMAIN = "acme-shop.example"
BOUNCE = f"bounce@{DOMAIN}"
CATCHALL = f"catchall@{DOMAIN}"
NOTIFICATIONS = f"notifications@{DOMAIN}"
HOSTNAME = "acme-odoo-prod-1"
BASE_URL = "https://erp.acme-shop.example"
DATABASE = "acme_prod"  # the database name Odoo's log lines carry
WEBMAIL = "gmail.example"  # a free webmail: an address not on the company's domain

# The outgoing servers, as a provider's relay and Microsoft 365 would be configured.
RELAY_HOST = "smtp-relay.brevo.example"
RELAY_LOGIN = "7f3a21001@smtp-brevo.example"
M365_HOST = "smtp.office365.example"
IMAP_HOST = f"imap.{WEBMAIL}"

# (name, email); None = no email at all; invalid strings are kept as typed by users.
CUSTOMERS: tuple[tuple[str, str | None], ...] = (
    ("Camille Lefebvre", "camille.lefebvre@orange.example"),
    ("Julien Moreau", "julien.moreau@gmail.example"),
    ("Sarah Thompson", "sarah.thompson@outlook.example"),
    ("Boulangerie Petit SARL", "contact@boulangerie-petit.example"),
    ("Nicolas Girard", "n.girard@free.example"),
    ("Emma Roussel", "emma.roussel@laposte.example"),
    ("Oliver Bennett", "oliver.bennett@greenfield.example"),
    ("Hôtel du Parc", "reservation@hotel-du-parc.example"),
    ("Léa Fontaine", "lea.fontaine@gmail.example"),
    ("Paul Bernard", "paul.bernard@wanadoo.example"),
    ("Chloé Mercier", "chloe.mercier@sfr.example"),
    ("Greenfield Ltd", "accounts@greenfield.example"),
    ("Hugo Lambert", "hugo.lambert@yahoo.example"),
    ("Manon Dupuis", "manon.dupuis@gmail.example"),
    ("James Carter", "j.carter@carter-design.example"),
    ("Garage Lefèvre", None),
    ("Inès Chevalier", "ines.chevalier@icloud.example"),
    ("Thomas Robin", "thomas.robin@protonmail.example"),
    ("Amélie Gauthier", "amelie.gauthier@orange.example"),
    ("Lucas Moreau", "lucas.moreau at gmail.example"),
    ("Charlotte Evans", "charlotte.evans@hotmail.example"),
    ("Maxime Perrin", "maxime.perrin@gmail.example"),
    ("Librairie Vauban", "commandes@librairie-vauban.example"),
    ("Marie Leroy", "marie.leroy@@free.example"),
    ("Antoine Faure", "antoine.faure@bbox.example"),
    ("Sophie Martin", "sophie.martin@gmail.example"),
    ("Daniel Hughes", "daniel.hughes@hughes-partners.example"),
    ("Clara Blanc", "clara.blanc@laposte.example"),
    ("Vincent Garnier", "v.garnier@garnier-btp.example"),
    ("Zoé Rousseau", "zoe.rousseau@gmail.example"),
    ("Atelier Morel", "atelier.morel@orange.example"),
    ("Mathieu Lemaire", "mathieu.lemaire@free.example"),
    ("Grace Mitchell", "grace.mitchell@gmail.example"),
    ("Pierre Dumont", "pierre.dumont@dumont-avocats.example"),
    ("Anaïs Bonnet", "anais.bonnet@hotmail.example"),
    ("Robert Clarke", "robert.clarke@clarke-ltd.example"),
    ("Élodie Masson", "elodie.masson@gmail.example"),
    ("Café des Arts", "cafedesarts@gmail.example"),
    ("Kevin Marchand", "kevin.marchand@sfr.example"),
    ("Laura Picard", "laura.picard@yahoo.example"),
    ("William Foster", "w.foster@fosterandco.example"),
    ("Audrey Colin", "audrey.colin@orange.example"),
    # typed without its top-level domain: a dotless name, which no mail server can be at
    # (ICANN forbids MX and A records at a TLD's apex), so it is as harmless as .example
    ("Jean-Marc Petit", "jean-marc.petit@orange"),
    ("Pauline Renard", "pauline.renard@gmail.example"),
    ("Sébastien Caron", "s.caron@caron-immobilier.example"),
    ("Emily Walker", "emily.walker@gmail.example"),
    ("Fleurs & Co", "bonjour@fleurs-and-co.example"),
    ("Alexandre Roy", "alexandre.roy@free.example"),
    ("Justine Brunet", "justine.brunet@laposte.example"),
    ("Henry Price", "henry.price@price-consulting.example"),
    ("Mélanie Giraud", "melanie.giraud@gmail.example"),
    ("Olivier Meyer", "olivier.meyer@meyer-sa.example"),
    ("Transports Legrand", "exploitation@transports-legrand.example"),
    ("Céline Fabre", "celine.fabre@hotmail.example"),
    ("George Harris", "george.harris@btinternet.example"),
    ("Nathalie Gérard", "nathalie.gerard@orange.example"),
    ("Romain Arnaud", "romain.arnaud@gmail.example"),
    ("Lucie Vidal", "lucie.vidal@free.example"),
    ("Sam O'Connor", "sam.oconnor@eircom.example"),
    ("Cave Saint-Vincent", "cave.stvincent@wanadoo.example"),
)

# Customers whose mail came back through the bounce alias (res_partner.message_bounce).
BOUNCED_CUSTOMERS = ("Grace Mitchell", "Emily Walker", "Julien Moreau")

# Recipients whose mailbox no longer exists (SMTP 5.1.1).
DEAD_MAILBOXES = ("paul.bernard@wanadoo.example", "cave.stvincent@wanadoo.example")

FIRST_NAMES = (
    "Alice", "Bruno", "Céline", "David", "Élise", "François", "Gabriel", "Hélène", "Isabelle",
    "Jacques", "Karine", "Louis", "Mathilde", "Noah", "Océane", "Patrick", "Quentin", "Rose",
    "Simon", "Tiphaine", "Ugo", "Valérie", "Xavier", "Yasmine", "Adam", "Jade", "Liam", "Ava",
    "Ethan", "Mia", "Owen", "Sophia", "Harry", "Isla", "Jack", "Lily",
)  # fmt: skip
LAST_NAMES = (
    "Durand", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
    "Martinez", "Legrand", "Smith", "Jones", "Taylor", "Brown", "Wilson", "Davies", "Evans",
    "Roberts", "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Hill", "Turner",
)  # fmt: skip
MAIL_PROVIDERS = (
    "gmail.example", "orange.example", "free.example", "laposte.example", "sfr.example",
    "hotmail.example", "yahoo.example", "outlook.example", "icloud.example", "wanadoo.example",
    "gmail.example", "gmail.example", "btinternet.example",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocType:
    """A business document that chatter messages and mails are attached to."""

    model: str
    label: str  # ir_model.name
    order: str
    name_format: str  # record_name, formatted with n
    first_id: int  # highest record number
    subjects: tuple[str, ...]  # formatted with name= and company=


DOC_TYPES: tuple[DocType, ...] = (
    DocType(
        "sale.order", "Sales Order", "date_order desc, id desc", "S{n:05d}", 1077,
        ("{company} Quotation (Ref {name})", "{company} Order (Ref {name})",
         "Re: {name} - delivery date", "{company} Order (Ref {name}) - confirmation"),
    ),
    DocType(
        "account.move", "Journal Entry", "date desc, name desc, id desc",
        "INV/2026/{n:05d}", 412,
        ("{company} Invoice (Ref {name})", "Payment reminder: {name}",
         "{company} Credit Note (Ref {name})"),
    ),
    DocType(
        "crm.lead", "Lead/Opportunity", "priority desc, id desc", "{lead}", 58,
        ("Re: {name}", "Your request: {name}", "Follow-up: {name}"),
    ),
    DocType(
        "purchase.order", "Purchase Order", "priority desc, id desc", "P{n:05d}", 214,
        ("{company} Request for Quotation (Ref {name})", "{company} Order (Ref {name})"),
    ),
    DocType(
        "project.task", "Task", "priority desc, sequence, id desc", "{task}", 530,
        ("Task update: {name}", "Re: {name}", "[Support] {name}"),
    ),
    DocType(
        "res.partner", "Contact", "complete_name ASC, id DESC", "{partner}", 0,
        ("Welcome to {company}", "Your {company} customer account", "Invitation to {company}"),
    ),
)  # fmt: skip

LEAD_NAMES = (
    "Devis mobilier terrasse", "Demande de tarifs professionnels", "Bulk order - 40 units",
    "Partenariat revendeur", "Question livraison Belgique", "Wholesale enquiry",
    "Commande groupée comité d'entreprise", "Custom engraving request",
)  # fmt: skip
TASK_NAMES = (
    "Colis endommagé à la livraison", "Refund not received", "Changement d'adresse de livraison",
    "Website checkout error", "Erreur de facturation", "Missing item in parcel",
)  # fmt: skip

INTERNAL_BODIES = (
    "<p>Bonjour,</p><p>Veuillez trouver ci-joint votre document {name}.</p>"
    "<p>N'hésitez pas à nous contacter pour toute question.</p>",
    "<p>Hello,</p><p>Please find attached {name}. Do not hesitate to contact us.</p>",
    "<p>Bonjour,</p><p>Votre commande {name} a été expédiée ce matin.</p>",
    "<p>Dear customer,</p><p>This is a friendly reminder about {name}.</p>",
    "<p>Merci pour votre message, nous revenons vers vous rapidement au sujet de {name}.</p>",
)

INCOMING_SUBJECTS = (
    "Question sur ma commande",
    "Demande de devis",
    "Problème de livraison",
    "Quote request for 20 units",
    "Retour produit",
)

CAMPAIGN_BODY = (
    '<div class="o_layout"><h1>{subject}</h1><p>Découvrez nos offres sur '
    '<a href="{base}/r/aB3x">acme-shop.example</a>.</p><p><a href="{base}/unsubscribe_from_list">'
    "Se désabonner</a></p></div>"
)
