"""`flask demo`: villages of Aral district, one trainer, one coordinator, a few learners.

Village names are the ones sourced in shared/domain/kz-facts.md §6.2 (2009 census figures,
marked as demo figures: current adult populations must come from the akimat).
"""

import click
from flask.cli import with_appcontext

from ..auth import accounts
from ..course import get_course
from ..extensions import db
from ..models import Role, User, Village
from . import demo_district

SOURCE = "2009 census, total population (demo figure)"
# (name_kk, name_ru, okrug_kk, okrug_ru, population 2009)
VILLAGES = [
    ("Сексеуіл", "Саксаульский", None, None, 9296),
    ("Жақсықылыш", "Жаксыкылыш", "Жақсықылыш ауылдық округі", "Жаксыкылышский сельский округ", 4847),
    ("Абай", "Абай", "Қарақұм ауылдық округі", "Каракумский сельский округ", 2206),
    ("Шіжаға", "Шижага", None, None, 2198),
    ("Аманөткел", "Аманоткель", "Аманөткел ауылдық округі", "Аманоткельский сельский округ", 2196),
    ("Қамыстыбас", "Камыстыбас", "Қамыстыбас ауылдық округі", "Камыстыбасский сельский округ", 1769),
    ("Аралқұм", "Аралкум", "Аралқұм ауылдық округі", "Аралкумский сельский округ", 1130),
    ("Қызылжар", "Кызылжар", None, None, 1080),
    ("Бөген", "Бугень", None, None, 984),
    ("Ерімбетжаға", "Еримбетжага", "Қарақұм ауылдық округі", "Каракумский сельский округ", 343),
]
TRAINER = ("trainer", "Демо тренер / Демо-тренер", "trainer-demo-2026")
COORDINATOR = ("akimat", "Аудан әкімдігі / Акимат района", "akimat-demo-2026")
# (name, login code, PIN, village index): fictional people for the demo
LEARNERS = [
    ("Айгүл Демо", "aigul", "2580", 2),
    ("Болат Демо", "bolat", "3691", 2),
    ("Дана Демо", "dana", "4702", 1),
    ("Ержан Демо", "erzhan", "5813", 5),
]


@click.command("demo")
@with_appcontext
def demo_command():
    """Load demo villages and accounts (run `flask db upgrade` first)."""
    if db.session.scalar(db.select(User.id).where(User.username == TRAINER[0])):
        click.echo("Demo data is already loaded.")
    elif db.session.scalar(db.select(User.id).limit(1)) or db.session.scalar(db.select(Village.id).limit(1)):
        # Demo accounts have published passwords: never add them to a database in real use.
        raise click.ClickException("this database already holds real data: the demo needs an empty database")
    else:
        villages = []
        for name_kk, name_ru, okrug_kk, okrug_ru, people in VILLAGES:
            village = Village(name_kk=name_kk, name_ru=name_ru, okrug_kk=okrug_kk, okrug_ru=okrug_ru,
                              residents=people, residents_source=SOURCE)
            db.session.add(village)
            villages.append(village)
        db.session.commit()
        accounts.create_staff(TRAINER[0], TRAINER[1], Role.TRAINER, TRAINER[2])
        accounts.create_staff(COORDINATOR[0], COORDINATOR[1], Role.COORDINATOR, COORDINATOR[2])
        for name, code, pin, index in LEARNERS:
            accounts.new_learner(name, villages[index], login_code=code, pin=pin)
        db.session.commit()
        trainer = db.session.scalar(db.select(User).where(User.username == TRAINER[0]))
        trainer.villages = [villages[i] for i in sorted({p[0] for p in demo_district.PLAN})]
        db.session.commit()
        made = demo_district.fill_district(get_course(), villages, trainer)
        click.echo(f"Loaded {len(VILLAGES)} villages, 1 trainer, 1 coordinator, {len(LEARNERS)} learners, "
                   f"and {made} learners in demo classes (PIN {demo_district.BULK_PIN}).")
    click.echo("Sign in at http://127.0.0.1:5000/ as:")
    for name, code, pin, _ in LEARNERS:
        click.echo(f"  learner      login code {code:<8} PIN {pin}   ({name})")
    click.echo(f"  trainer      /staff/login  username {TRAINER[0]:<8} password {TRAINER[2]}")
    click.echo(f"  coordinator  /staff/login  username {COORDINATOR[0]:<8} password {COORDINATOR[2]}")
