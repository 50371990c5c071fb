"""Names, documents and subjects the sample database is made of."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Acme Shop"
DOMAIN = "acme-shop.fr"
BOUNCE = f"bounce@{DOMAIN}"
CATCHALL = f"catchall@{DOMAIN}"
NOTIFICATIONS = f"notifications@{DOMAIN}"
HOSTNAME = "acme-odoo-prod-1"
BASE_URL = "https://erp.acme-shop.fr"

# (name, email); None = no email at all; invalid strings are kept as typed by users.
CUSTOMERS: tuple[tuple[str, str | None], ...] = (
    ("Camille Lefebvre", "camille.lefebvre@orange.fr"),
    ("Julien Moreau", "julien.moreau@gmail.com"),
    ("Sarah Thompson", "sarah.thompson@outlook.com"),
    ("Boulangerie Petit SARL", "contact@boulangerie-petit.fr"),
    ("Nicolas Girard", "n.girard@free.fr"),
    ("Emma Roussel", "emma.roussel@laposte.net"),
    ("Oliver Bennett", "oliver.bennett@greenfield.co.uk"),
    ("Hôtel du Parc", "reservation@hotel-du-parc.fr"),
    ("Léa Fontaine", "lea.fontaine@gmail.com"),
    ("Paul Bernard", "paul.bernard@wanadoo.fr"),
    ("Chloé Mercier", "chloe.mercier@sfr.fr"),
    ("Greenfield Ltd", "accounts@greenfield.co.uk"),
    ("Hugo Lambert", "hugo.lambert@yahoo.fr"),
    ("Manon Dupuis", "manon.dupuis@gmail.com"),
    ("James Carter", "j.carter@carter-design.com"),
    ("Garage Lefèvre", None),
    ("Inès Chevalier", "ines.chevalier@icloud.com"),
    ("Thomas Robin", "thomas.robin@protonmail.com"),
    ("Amélie Gauthier", "amelie.gauthier@orange.fr"),
    ("Lucas Moreau", "lucas.moreau at gmail.com"),
    ("Charlotte Evans", "charlotte.evans@hotmail.co.uk"),
    ("Maxime Perrin", "maxime.perrin@gmail.com"),
    ("Librairie Vauban", "commandes@librairie-vauban.fr"),
    ("Marie Leroy", "marie.leroy@@free.fr"),
    ("Antoine Faure", "antoine.faure@bbox.fr"),
    ("Sophie Martin", "sophie.martin@gmail.com"),
    ("Daniel Hughes", "daniel.hughes@hughes-partners.com"),
    ("Clara Blanc", "clara.blanc@laposte.net"),
    ("Vincent Garnier", "v.garnier@garnier-btp.fr"),
    ("Zoé Rousseau", "zoe.rousseau@gmail.com"),
    ("Atelier Morel", "atelier.morel@orange.fr"),
    ("Mathieu Lemaire", "mathieu.lemaire@free.fr"),
    ("Grace Mitchell", "grace.mitchell@gmail.com"),
    ("Pierre Dumont", "pierre.dumont@dumont-avocats.fr"),
    ("Anaïs Bonnet", "anais.bonnet@hotmail.fr"),
    ("Robert Clarke", "robert.clarke@clarke-ltd.co.uk"),
    ("Élodie Masson", "elodie.masson@gmail.com"),
    ("Café des Arts", "cafedesarts@gmail.com"),
    ("Kevin Marchand", "kevin.marchand@sfr.fr"),
    ("Laura Picard", "laura.picard@yahoo.fr"),
    ("William Foster", "w.foster@fosterandco.com"),
    ("Audrey Colin", "audrey.colin@orange.fr"),
    ("Jean-Marc Petit", "jean-marc.petit@orange"),
    ("Pauline Renard", "pauline.renard@gmail.com"),
    ("Sébastien Caron", "s.caron@caron-immobilier.fr"),
    ("Emily Walker", "emily.walker@gmail.com"),
    ("Fleurs & Co", "bonjour@fleurs-and-co.fr"),
    ("Alexandre Roy", "alexandre.roy@free.fr"),
    ("Justine Brunet", "justine.brunet@laposte.net"),
    ("Henry Price", "henry.price@price-consulting.com"),
    ("Mélanie Giraud", "melanie.giraud@gmail.com"),
    ("Olivier Meyer", "olivier.meyer@meyer-sa.fr"),
    ("Transports Legrand", "exploitation@transports-legrand.fr"),
    ("Céline Fabre", "celine.fabre@hotmail.fr"),
    ("George Harris", "george.harris@btinternet.com"),
    ("Nathalie Gérard", "nathalie.gerard@orange.fr"),
    ("Romain Arnaud", "romain.arnaud@gmail.com"),
    ("Lucie Vidal", "lucie.vidal@free.fr"),
    ("Sam O'Connor", "sam.oconnor@eircom.net"),
    ("Cave Saint-Vincent", "cave.stvincent@wanadoo.fr"),
)

# Customers whose mail came back through the bounce alias (res_partner.message_bounce).
BOUNCED_CUSTOMERS = ("Grace Mitchell", "Emily Walker", "Julien Moreau")

# Recipients whose mailbox no longer exists (SMTP 5.1.1).
DEAD_MAILBOXES = ("paul.bernard@wanadoo.fr", "cave.stvincent@wanadoo.fr")

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
    "gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr", "hotmail.fr", "yahoo.fr",
    "outlook.com", "icloud.com", "wanadoo.fr", "gmail.com", "gmail.com", "btinternet.com",
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
    '<a href="{base}/r/aB3x">acme-shop.fr</a>.</p><p><a href="{base}/unsubscribe_from_list">'
    "Se désabonner</a></p></div>"
)
