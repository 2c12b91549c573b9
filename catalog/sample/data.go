package sample

// kind is a sort of product sold in a leaf category: what it is called,
// what describes it and how its variants differ.
type kind struct {
	nouns      []string
	attributes map[string][]string
	// axes are the option names variants differ by, with their values.
	axes       []axis
	minCents   int64
	maxCents   int64
	weightGram int64
	features   []string
}

type axis struct {
	name   string
	values []string
}

// categoryNode is one node of the sample tree.
type categoryNode struct {
	name     string
	children []categoryNode
	kind     *kind // leaves only
}

// tree returns the sample category tree. It is a function rather than a
// package variable so the package holds no mutable state.
func tree() []categoryNode {
	// The option axes variants differ by.
	var (
		colours       = axis{"colour", []string{"Black", "White", "Silver", "Blue", "Red", "Green", "Graphite", "Sand"}}
		apparelSizes  = axis{"size", []string{"XS", "S", "M", "L", "XL", "XXL"}}
		shoeSizes     = axis{"size", []string{"38", "39", "40", "41", "42", "43", "44", "45"}}
		storage       = axis{"storage", []string{"64 GB", "128 GB", "256 GB", "512 GB"}}
		memory        = axis{"memory", []string{"8 GB", "16 GB", "32 GB"}}
		furnitureSize = axis{"size", []string{"Small", "Medium", "Large"}}
	)

	return []categoryNode{
		{name: "Electronics", children: []categoryNode{
			{name: "Phones", kind: &kind{
				nouns:      []string{"Smartphone", "Phone", "Flip Phone"},
				attributes: map[string][]string{"screen": {"6.1 inch", "6.4 inch", "6.7 inch"}, "network": {"5G", "4G LTE"}, "warranty": {"1 year", "2 years"}},
				axes:       []axis{colours, storage}, minCents: 19900, maxCents: 129900, weightGram: 190,
				features: []string{"all-day battery life", "a bright OLED display", "a triple camera that shines in low light", "fast wireless charging", "water resistance to 2 metres"},
			}},
			{name: "Laptops", kind: &kind{
				nouns:      []string{"Laptop", "Ultrabook", "Notebook", "Gaming Laptop"},
				attributes: map[string][]string{"screen": {"13.3 inch", "14 inch", "15.6 inch", "16 inch"}, "processor": {"8-core", "10-core", "12-core"}, "material": {"aluminium", "magnesium alloy", "recycled plastic"}},
				axes:       []axis{memory, colours}, minCents: 49900, maxCents: 299900, weightGram: 1400,
				features: []string{"a backlit keyboard that is quiet to type on", "up to 18 hours of battery life", "a crisp high-resolution display", "two USB-C ports and HDMI", "a fanless, silent design"},
			}},
			{name: "Audio", children: []categoryNode{
				{name: "Headphones", kind: &kind{
					nouns:      []string{"Wireless Headphones", "Noise-Cancelling Headphones", "Earbuds", "Studio Headphones"},
					attributes: map[string][]string{"connectivity": {"Bluetooth 5.3", "wired", "Bluetooth and wired"}, "battery": {"20 hours", "30 hours", "40 hours"}, "material": {"aluminium", "plastic", "leather"}},
					axes:       []axis{colours}, minCents: 2900, maxCents: 44900, weightGram: 250,
					features: []string{"active noise cancelling", "great battery life", "deep, punchy bass", "soft memory-foam ear cushions", "a foldable travel design"},
				}},
				{name: "Speakers", kind: &kind{
					nouns:      []string{"Bluetooth Speaker", "Smart Speaker", "Soundbar", "Bookshelf Speakers"},
					attributes: map[string][]string{"connectivity": {"Bluetooth", "Wi-Fi", "Wi-Fi and Bluetooth"}, "power": {"20 W", "50 W", "120 W"}, "waterproof": {"IPX4", "IP67", "no"}},
					axes:       []axis{colours}, minCents: 3900, maxCents: 89900, weightGram: 900,
					features: []string{"room-filling sound", "a waterproof body for the beach", "multi-room pairing", "a built-in voice assistant", "twelve hours of playback"},
				}},
			}},
			{name: "Cameras", kind: &kind{
				nouns:      []string{"Mirrorless Camera", "Action Camera", "Instant Camera", "Compact Camera"},
				attributes: map[string][]string{"sensor": {"APS-C", "full frame", "1 inch"}, "resolution": {"20 MP", "24 MP", "45 MP"}, "video": {"4K", "6K", "1080p"}},
				axes:       []axis{colours}, minCents: 9900, maxCents: 249900, weightGram: 500,
				features: []string{"fast, accurate autofocus", "in-body image stabilisation", "a weather-sealed body", "stunning 4K video", "a flip-out touchscreen"},
			}},
		}},
		{name: "Apparel", children: []categoryNode{
			{name: "Men", kind: &kind{
				nouns:      []string{"Oxford Shirt", "Chino Trousers", "Crew Neck T-Shirt", "Wool Jumper", "Rain Jacket"},
				attributes: map[string][]string{"material": {"organic cotton", "merino wool", "linen", "recycled polyester"}, "fit": {"slim", "regular", "relaxed"}, "care": {"machine wash", "hand wash"}},
				axes:       []axis{apparelSizes, colours}, minCents: 1900, maxCents: 24900, weightGram: 300,
				features: []string{"a soft, breathable fabric", "a tailored fit that keeps its shape", "reinforced seams", "a timeless cut", "fabric that resists creasing"},
			}},
			{name: "Women", kind: &kind{
				nouns:      []string{"Wrap Dress", "Linen Blouse", "High-Rise Jeans", "Cashmere Cardigan", "Trench Coat"},
				attributes: map[string][]string{"material": {"organic cotton", "cashmere", "linen", "denim"}, "fit": {"slim", "regular", "oversized"}, "care": {"machine wash", "dry clean"}},
				axes:       []axis{apparelSizes, colours}, minCents: 2900, maxCents: 29900, weightGram: 300,
				features: []string{"a flattering silhouette", "a fabric that feels great on the skin", "deep pockets", "a relaxed everyday fit", "sustainably sourced materials"},
			}},
			{name: "Shoes", kind: &kind{
				nouns:      []string{"Running Shoes", "Leather Boots", "Canvas Sneakers", "Trail Runners"},
				attributes: map[string][]string{"material": {"leather", "mesh", "canvas", "suede"}, "sole": {"rubber", "foam", "Vibram"}, "closure": {"laces", "slip-on", "zip"}},
				axes:       []axis{shoeSizes, colours}, minCents: 4900, maxCents: 22900, weightGram: 800,
				features: []string{"responsive cushioning", "a grippy outsole for wet roads", "true-to-size fit", "a breathable upper", "all-day comfort"},
			}},
			{name: "Accessories", kind: &kind{
				nouns:      []string{"Leather Belt", "Wool Scarf", "Canvas Backpack", "Baseball Cap", "Sunglasses"},
				attributes: map[string][]string{"material": {"leather", "wool", "canvas", "acetate"}, "style": {"classic", "minimal", "sporty"}},
				axes:       []axis{colours}, minCents: 1500, maxCents: 14900, weightGram: 200,
				features: []string{"sturdy hardware", "a padded laptop sleeve", "UV400 protection", "a lifetime guarantee", "hand-finished edges"},
			}},
		}},
		{name: "Home", children: []categoryNode{
			{name: "Kitchen", kind: &kind{
				nouns:      []string{"Chef's Knife", "Cast Iron Skillet", "Espresso Machine", "Blender", "Kettle"},
				attributes: map[string][]string{"material": {"stainless steel", "cast iron", "ceramic", "glass"}, "dishwasher safe": {"yes", "no"}, "warranty": {"2 years", "5 years", "lifetime"}},
				axes:       []axis{colours}, minCents: 1900, maxCents: 69900, weightGram: 1200,
				features: []string{"even heat distribution", "a razor-sharp edge", "easy cleaning", "rich crema every morning", "a quiet motor"},
			}},
			{name: "Furniture", kind: &kind{
				nouns:      []string{"Desk Chair", "Standing Desk", "Bookshelf", "Sofa", "Coffee Table"},
				attributes: map[string][]string{"material": {"oak", "walnut", "steel", "velvet"}, "assembly": {"required", "not required"}},
				axes:       []axis{furnitureSize, colours}, minCents: 7900, maxCents: 189900, weightGram: 15000,
				features: []string{"solid construction", "easy assembly in minutes", "ergonomic support for long days", "a scratch-resistant finish", "clean Scandinavian lines"},
			}},
			{name: "Lighting", kind: &kind{
				nouns:      []string{"Desk Lamp", "Floor Lamp", "Smart Bulb", "Pendant Light"},
				attributes: map[string][]string{"bulb": {"LED", "E27", "GU10"}, "dimmable": {"yes", "no"}, "material": {"brass", "aluminium", "paper"}},
				axes:       []axis{colours}, minCents: 1500, maxCents: 39900, weightGram: 1500,
				features: []string{"warm, flicker-free light", "app and voice control", "a dimmer with memory", "an adjustable arm", "energy-saving LEDs"},
			}},
		}},
		{name: "Sports", children: []categoryNode{
			{name: "Outdoor", kind: &kind{
				nouns:      []string{"Hiking Backpack", "Two-Person Tent", "Sleeping Bag", "Trekking Poles"},
				attributes: map[string][]string{"material": {"ripstop nylon", "polyester", "carbon fibre"}, "season": {"3-season", "4-season"}},
				axes:       []axis{colours}, minCents: 2900, maxCents: 59900, weightGram: 2000,
				features: []string{"a featherweight pack size", "a fully waterproof shell", "quick pitching", "warmth down to minus ten", "tough, tear-resistant fabric"},
			}},
			{name: "Fitness", kind: &kind{
				nouns:      []string{"Yoga Mat", "Adjustable Dumbbells", "Resistance Bands", "Fitness Tracker"},
				attributes: map[string][]string{"material": {"natural rubber", "TPE", "steel", "silicone"}, "level": {"beginner", "intermediate", "advanced"}},
				axes:       []axis{colours}, minCents: 1500, maxCents: 39900, weightGram: 1000,
				features: []string{"a non-slip grip", "accurate heart-rate tracking", "a compact home-gym footprint", "great battery life", "easy weight changes"},
			}},
			{name: "Cycling", kind: &kind{
				nouns:      []string{"Road Bike Helmet", "Bike Light Set", "Cycling Jersey", "Bike Lock"},
				attributes: map[string][]string{"material": {"polycarbonate", "aluminium", "recycled polyester"}, "certification": {"EN 1078", "CPSC"}},
				axes:       []axis{colours}, minCents: 1900, maxCents: 29900, weightGram: 400,
				features: []string{"excellent ventilation", "bright visibility at night", "a secure, rattle-free fit", "a lightweight build", "USB-C charging"},
			}},
		}},
	}
}

// vocabulary holds the word lists the generator draws from. It is built
// per Generator so the package has no mutable globals.
type vocabulary struct {
	brands       []string
	adjectives   []string
	modelChars   string
	reviewTitles map[int][]string
	praise       []string
	complaints   []string
}

func newVocabulary() vocabulary {
	return vocabulary{
		// 40 brands.
		brands: []string{
			"Acme", "Northwind", "Zenith", "Lumen", "Orbit", "Vertex", "Halcyon", "Kestrel",
			"Nimbus", "Solace", "Tundra", "Meridian", "Cobalt", "Juniper", "Aurora", "Fathom",
			"Granite", "Harbor", "Ironwood", "Jasper", "Kinetic", "Larkspur", "Monarch", "Nova",
			"Onyx", "Pinnacle", "Quartz", "Redwood", "Summit", "Tidal", "Umber", "Velvet",
			"Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Beacon", "Cedar", "Drift",
		},
		adjectives: []string{"Pro", "Ultra", "Lite", "Max", "Air", "Classic", "Sport", "Eco", "Prime", "Studio", "Essential", "Plus"},
		modelChars: "ABCDEFGHKMRSTVXZ",
		reviewTitles: map[int][]string{
			5: {"Absolutely love it", "Best purchase this year", "Exceeded my expectations", "Five stars, no question"},
			4: {"Very good", "Really happy with it", "Great value", "Almost perfect"},
			3: {"Decent", "Does the job", "Okay for the price", "Mixed feelings"},
			2: {"Disappointed", "Not what I hoped", "Could be better"},
			1: {"Returned it", "Stopped working", "Would not buy again"},
		},
		praise: []string{
			"great battery life", "excellent build quality", "fast delivery", "looks even better in person",
			"very comfortable", "easy to set up", "worth every penny", "the colour is exactly as pictured",
			"sound quality is superb", "fits perfectly",
		},
		complaints: []string{
			"the battery drains quickly", "it feels a bit cheap", "delivery took ages", "the sizing runs small",
			"instructions were confusing", "it scratches easily", "the app keeps crashing", "too heavy for travel",
		},
	}
}
