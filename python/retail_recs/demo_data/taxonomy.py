"""Static word lists behind the synthetic catalogue.

Only data lives here: the two-level category taxonomy with product nouns and descriptive
keywords per subcategory (so a TF-IDF content model finds words that track the category),
brands per top-level category, and the log-normal price parameters per top-level category.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORY_SEPARATOR = " > "


@dataclass(frozen=True)
class Subcategory:
    """One leaf of the taxonomy.

    Attributes
    ----------
    top : str
        Top-level category name.
    name : str
        Subcategory name; the item's category path is ``top + ' > ' + name``.
    nouns : tuple of str
        Product nouns used in item names.
    keywords : tuple of str
        Descriptive words used in item descriptions; specific to this subcategory.
    consumable : bool
        Whether items here may be re-bought on a cycle (coffee, pet food, skincare).
    """

    top: str
    name: str
    nouns: tuple[str, ...]
    keywords: tuple[str, ...]
    consumable: bool = False

    @property
    def path(self) -> str:
        """Category path as the retailer exports it, e.g. ``'Home > Kitchen'``."""
        return f"{self.top}{CATEGORY_SEPARATOR}{self.name}"


def _sub(top: str, name: str, nouns: str, keywords: str, consumable: bool = False) -> Subcategory:
    return Subcategory(top, name, tuple(nouns.split(", ")), tuple(keywords.split(", ")), consumable)


TOP_CATEGORIES: tuple[str, ...] = (
    "Home",
    "Beauty",
    "Pet",
    "Grocery",
    "Electronics",
    "Fashion",
    "Sports & Outdoors",
    "Toys & Games",
)

SUBCATEGORIES: tuple[Subcategory, ...] = (
    _sub(
        "Home",
        "Kitchen",
        "Chef Knife, Saucepan, Frying Pan, Cutting Board, Mixing Bowl, "
        "Cafetiere, Utensil Set, Casserole Dish",
        "kitchen, cooking, dishwasher, stainless, nonstick, oven, chef, recipes, cookware",
    ),
    _sub(
        "Home",
        "Bedding",
        "Duvet Cover, Pillow Set, Fitted Sheet, Throw Blanket, Mattress Topper, Quilt",
        "bedroom, cotton, sleep, thread, soft, breathable, linen, duvet, cosy",
    ),
    _sub(
        "Home",
        "Bath",
        "Bath Towel, Bath Mat, Shower Curtain, Soap Dispenser, Towel Rail",
        "bathroom, absorbent, towel, shower, quick-dry, spa, terry, hygiene",
    ),
    _sub(
        "Home",
        "Decor",
        "Table Lamp, Wall Mirror, Photo Frame, Vase, Scented Candle, Cushion Cover",
        "decor, living, room, accent, lighting, interior, style, modern, rustic",
    ),
    _sub(
        "Home",
        "Storage",
        "Storage Box, Shelf Unit, Laundry Basket, Drawer Organiser, Coat Rack",
        "storage, tidy, organise, stackable, space-saving, wardrobe, declutter, shelves",
    ),
    _sub(
        "Beauty",
        "Skincare",
        "Face Moisturiser, Cleanser, Serum, Night Cream, Sunscreen SPF50, Eye Cream",
        "skin, hydrating, moisturiser, hyaluronic, vitamin, complexion, dermatologist, gentle, spf",
        consumable=True,
    ),
    _sub(
        "Beauty",
        "Makeup",
        "Lipstick, Mascara, Foundation, Eyeshadow Palette, Concealer, Blusher",
        "makeup, shade, pigment, longwear, matte, lashes, lips, finish, blendable",
    ),
    _sub(
        "Beauty",
        "Haircare",
        "Shampoo, Conditioner, Hair Mask, Hair Oil, Styling Spray",
        "hair, shampoo, frizz, scalp, shine, curls, conditioning, salon, sulphate-free",
        consumable=True,
    ),
    _sub(
        "Beauty",
        "Fragrance",
        "Eau de Parfum, Eau de Toilette, Body Mist, Perfume Oil",
        "fragrance, scent, notes, floral, woody, citrus, musk, perfume, lasting",
    ),
    _sub(
        "Pet",
        "Food",
        "Dry Dog Food, Wet Cat Food, Puppy Kibble, Grain-Free Dog Food, Cat Biscuits",
        "pet, dog, cat, protein, kibble, nutrition, chicken, salmon, grain-free",
        consumable=True,
    ),
    _sub(
        "Pet",
        "Toys",
        "Chew Toy, Rope Toy, Cat Teaser, Ball Launcher, Squeaky Toy",
        "play, chew, fetch, durable, puppy, kitten, squeaky, fun, interactive",
    ),
    _sub(
        "Pet",
        "Grooming",
        "Pet Shampoo, Grooming Brush, Nail Clippers, Dental Chews, Flea Spray",
        "grooming, coat, fur, flea, dental, brush, shedding, clean, vet-approved",
        consumable=True,
    ),
    _sub(
        "Pet",
        "Accessories",
        "Dog Lead, Cat Bed, Pet Carrier, Food Bowl, Dog Harness",
        "collar, lead, harness, bed, carrier, bowl, walk, travel, adjustable",
    ),
    _sub(
        "Grocery",
        "Coffee & Tea",
        "Ground Coffee, Coffee Beans, Espresso Pods, Green Tea, "
        "English Breakfast Tea, Herbal Infusion",
        "coffee, roast, arabica, beans, espresso, tea, blend, brew, caffeine",
        consumable=True,
    ),
    _sub(
        "Grocery",
        "Snacks",
        "Crisps, Dark Chocolate, Trail Mix, Oat Bars, Popcorn",
        "snack, crunchy, chocolate, sweet, salted, nuts, bar, treat, sharing",
        consumable=True,
    ),
    _sub(
        "Grocery",
        "Pantry",
        "Olive Oil, Basmati Rice, Pasta, Tinned Tomatoes, Spice Mix, Honey",
        "pantry, organic, oil, rice, pasta, spice, sauce, staple, cupboard",
        consumable=True,
    ),
    _sub(
        "Grocery",
        "Beverages",
        "Sparkling Water, Orange Juice, Cola, Energy Drink, Kombucha",
        "drink, sparkling, juice, refreshing, bottle, fizzy, hydration, cans, chilled",
        consumable=True,
    ),
    _sub(
        "Grocery",
        "Breakfast",
        "Granola, Porridge Oats, Cornflakes, Peanut Butter, Jam",
        "breakfast, cereal, oats, granola, fibre, wholegrain, morning, spread, muesli",
        consumable=True,
    ),
    _sub(
        "Electronics",
        "Audio",
        "Wireless Earbuds, Bluetooth Speaker, Headphones, Soundbar, Turntable",
        "audio, bluetooth, bass, noise-cancelling, wireless, battery, sound, speaker, stereo",
    ),
    _sub(
        "Electronics",
        "Phone Accessories",
        "Phone Case, USB-C Charger, Power Bank, Screen Protector, Car Mount",
        "phone, charging, usb-c, case, fast-charge, cable, magnetic, smartphone, battery",
    ),
    _sub(
        "Electronics",
        "Computing",
        "Laptop Stand, Mechanical Keyboard, Wireless Mouse, Webcam, Monitor, External SSD",
        "laptop, computer, keyboard, monitor, ergonomic, storage, usb, productivity, gaming",
    ),
    _sub(
        "Electronics",
        "Smart Home",
        "Smart Plug, Video Doorbell, Smart Bulb, Thermostat, Security Camera",
        "smart, wifi, app, alexa, automation, energy, security, voice, hub",
    ),
    _sub(
        "Fashion",
        "Womenswear",
        "Midi Dress, Knit Jumper, Denim Jacket, Blouse, Wide-Leg Trousers",
        "women, dress, knit, tailored, floral, fit, summer, wardrobe, elegant",
    ),
    _sub(
        "Fashion",
        "Menswear",
        "Oxford Shirt, Chinos, Hoodie, Wool Coat, Polo Shirt",
        "men, shirt, chinos, slim, cotton, casual, smart, layering, classic",
    ),
    _sub(
        "Fashion",
        "Shoes",
        "Trainers, Ankle Boots, Loafers, Sandals, Running Shoes",
        "shoes, leather, sole, trainers, boots, comfort, cushioned, laces, footwear",
    ),
    _sub(
        "Fashion",
        "Bags",
        "Tote Bag, Backpack, Crossbody Bag, Wallet, Weekend Holdall",
        "bag, leather, strap, zip, pockets, travel, compartment, tote, everyday",
    ),
    _sub(
        "Sports & Outdoors",
        "Fitness",
        "Yoga Mat, Dumbbell Set, Resistance Bands, Kettlebell, Foam Roller",
        "fitness, workout, gym, strength, yoga, training, home-gym, exercise, core",
    ),
    _sub(
        "Sports & Outdoors",
        "Camping",
        "Two-Person Tent, Sleeping Bag, Camping Stove, Head Torch, Cool Box",
        "camping, outdoor, tent, waterproof, hiking, lightweight, trail, festival, adventure",
    ),
    _sub(
        "Sports & Outdoors",
        "Cycling",
        "Bike Helmet, Bike Lights, Cycling Jersey, Puncture Kit, Bike Lock",
        "cycling, bike, helmet, road, commute, reflective, saddle, gears, ride",
    ),
    _sub(
        "Sports & Outdoors",
        "Running",
        "Running Vest, Running Tights, GPS Watch, Water Bottle, Reflective Jacket",
        "running, marathon, pace, breathable, sweat-wicking, race, stride, jog, reflective",
    ),
    _sub(
        "Toys & Games",
        "Board Games",
        "Strategy Game, Family Board Game, Card Game, Party Game, Chess Set",
        "game, players, family, strategy, dice, cards, party, board, fun",
    ),
    _sub(
        "Toys & Games",
        "Puzzles",
        "1000-Piece Jigsaw, 500-Piece Jigsaw, Brain Teaser, 3D Puzzle",
        "puzzle, jigsaw, pieces, challenge, picture, brain, relaxing, solve, artwork",
    ),
    _sub(
        "Toys & Games",
        "Building Sets",
        "Building Bricks Set, Construction Kit, Marble Run, Robot Kit",
        "building, bricks, construction, stem, creative, kids, engineering, build, kit",
    ),
)

# Share of the catalogue (and of off-persona browsing) per top-level category.
TOP_CATEGORY_SHARE: dict[str, float] = {
    "Home": 0.16,
    "Beauty": 0.12,
    "Pet": 0.09,
    "Grocery": 0.12,
    "Electronics": 0.13,
    "Fashion": 0.18,
    "Sports & Outdoors": 0.11,
    "Toys & Games": 0.09,
}

# Log-normal list prices: (median in the shop currency, sigma of log price).
PRICE_LOGNORMAL: dict[str, tuple[float, float]] = {
    "Home": (32.0, 0.6),
    "Beauty": (18.0, 0.5),
    "Pet": (16.0, 0.55),
    "Grocery": (5.5, 0.45),
    "Electronics": (85.0, 0.8),
    "Fashion": (42.0, 0.55),
    "Sports & Outdoors": (38.0, 0.65),
    "Toys & Games": (24.0, 0.5),
}

BRANDS: dict[str, tuple[str, ...]] = {
    "Home": ("Hearthwood", "Nordvik", "Casa Lume", "Oak & Ember"),
    "Beauty": ("Lumiere", "Glowfield", "Verity Skin", "Rosehip & Co"),
    "Pet": ("Pawsome", "Tailwise", "Barkley's", "Whisker Lane"),
    "Grocery": ("Harvest Table", "Roastery 9", "Green Valley", "Pantry Co"),
    "Electronics": ("Voltix", "Sonora", "Kairo", "Nimbus Tech"),
    "Fashion": ("Atelier North", "Marlowe", "Threadline", "Coastline"),
    "Sports & Outdoors": ("Summit Gear", "Stridewell", "Peak Motion", "Trailborn"),
    "Toys & Games": ("Playwell", "Brickhouse", "Cleverbox", "Tiny Giants"),
}

# Generic words shared by every category: they dilute the signal a little, as real copy does.
ADJECTIVES: tuple[str, ...] = (
    "Classic",
    "Premium",
    "Essential",
    "Eco",
    "Deluxe",
    "Compact",
    "Everyday",
    "Signature",
    "Pro",
    "Original",
    "Lightweight",
    "Heritage",
)
VARIANTS: tuple[str, ...] = (
    "",
    "",
    "",
    "Small",
    "Large",
    "Black",
    "White",
    "Navy",
    "Sage",
    "Twin Pack",
    "XL",
    "Mini",
)
GENERIC_PHRASES: tuple[str, ...] = (
    "Designed for everyday use.",
    "Customers love the quality.",
    "Easy to care for.",
    "A great gift idea.",
    "Made to last.",
    "Free returns within 30 days.",
    "Part of our best-selling range.",
    "Responsibly sourced materials.",
)
