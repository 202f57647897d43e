"""Invented text for the SYNTHETIC data: the codebook and made-up excerpts, one pool per code and role of the speaker.

Nothing here comes from the study's interviews: every code definition and every excerpt was written for
this compendium, and the excerpts are fiction in the style of interview quotes (SYNTHETIC).
"""

# (code_id, theme, sub_theme, label, definition): written for this compendium, not the study's own codebook.
_CODES = [
    ("PER01", "personalisation", "continuity", "Same worker over time", "The person is supported by the same worker or a small, stable team."),
    ("PER02", "personalisation", "continuity", "Knowing the person's history", "Workers know the person's background, preferences and routines without being told again."),
    ("PER03", "personalisation", "autonomy", "Staff free to adjust support", "Frontline staff can change what they do on the day to suit the person."),
    ("PER04", "personalisation", "access_to_manager", "Manager is easy to reach", "The person or carer can speak to the owner or manager directly and quickly."),
    ("PER05", "personalisation", "flexibility", "Changing times and tasks", "Support can be moved to other times or used for other tasks when the person asks."),
    ("PER06", "personalisation", "choice", "Range of activities", "The provider offers a choice of activities or settings to pick from."),
    ("INN01", "innovation", "what", "Non-traditional service", "A service that differs from the usual home care or day centre offer."),
    ("INN02", "innovation", "what", "Activity-based support", "Support built around an activity the person enjoys, such as music, gardening or dance."),
    ("INN03", "innovation", "what", "Blended service", "One provider combines things usually offered by different services."),
    ("INN04", "innovation", "how", "More interaction", "Support that involves conversation and doing things together rather than tasks alone."),
    ("INN05", "innovation", "how", "Flexible delivery", "Support arranged around the person's week rather than fixed visit slots."),
    ("INN06", "innovation", "how", "People shape the service", "People using the service or carers help decide how it runs."),
    ("INN07", "innovation", "who", "Under-served groups", "Support for people who find other services do not fit them."),
    ("INN08", "innovation", "who", "Community connections", "Support that links people with neighbours, clubs or local groups."),
    ("INN09", "innovation", "who", "Non-traditional workforce", "Workers recruited from outside the usual care workforce."),
    ("SUS01", "sustainability", "start_up_support", "Start-up help", "Advice, training or small grants that helped the organisation begin."),
    ("SUS02", "sustainability", "networks", "Personal networks", "Work found through word of mouth, friends or other providers."),
    ("SUS03", "sustainability", "la_partnership", "Working with the council", "A working relationship with the local authority while staying independent."),
    ("SUS04", "sustainability", "self_funder_reliance", "Relying on self-funders", "Most income comes from people paying for their own support."),
    ("SUS05", "sustainability", "thin_staffing", "Few staff to cover", "Illness or leave of one worker puts the service at risk."),
    ("SUS06", "sustainability", "financial_insecurity", "Uncertain income", "Income varies from month to month or depends on a few clients."),
    ("SUS07", "sustainability", "regulation", "Regulation out of proportion", "Registration or inspection demands felt too heavy for a very small provider."),
    ("OUT01", "outcomes", "occupation", "Doing things that matter", "The person spends time on things they value and enjoy."),
    ("OUT02", "outcomes", "control", "Control over the day", "The person decides how and when things happen in their day."),
    ("OUT03", "outcomes", "social_contact", "Company and friendship", "The person has more contact with other people."),
    ("COS01", "cost", "price", "Hourly price", "What an hour of support costs the person or the council."),
    ("COS02", "cost", "overheads", "Low overheads", "Few office costs, so more of the price pays for support."),
    ("COS03", "cost", "visit_length", "Short visits", "Visits cut to fifteen or thirty minutes to keep the price down."),
]
CODEBOOK = {
    "code_id": [c[0] for c in _CODES],
    "theme": [c[1] for c in _CODES],
    "sub_theme": [c[2] for c in _CODES],
    "label": [c[3] for c in _CODES],
    "definition": [c[4] for c in _CODES],
}

# Invented remarks in the style of interview excerpts, written per code and per role of the speaker: owners
# and managers speak for their organisation, frontline staff about their own work, people using services
# about their own support, and carers about the person they care for ("my mother"). Every remark fits the
# definition of its code. They name no person, place or organisation and hold no digits (ages, prices and
# times are in words), so nothing in them can look like a phone number, postcode or other identifier.
# The generator only gives staff (owner_manager, frontline_staff) personalisation, innovation, sustainability
# and cost codes, and people using services and carers personalisation, outcomes, innovation and cost codes:
# those are the pools written here. Each pool holds a number of remarks that divides EXCERPT_DRAW (see
# goodcare.generate.codings), so that one draw picks a remark from any pool with equal chances.
EXCERPT_DRAW = 45
STAFF_ROLES = ("owner_manager", "frontline_staff")
PEOPLE_ROLES = ("person_using_services", "carer")

EXCERPTS: dict[str, dict[str, tuple[str, ...]]] = {
    # --- personalisation -------------------------------------------------------------------------------
    "PER01": {  # same worker over time
        "owner_manager": (
            "I try to keep each client with the same one or two workers, so nobody gets a stranger at the door.",
            "When I draw up the rota, continuity comes first; I'd rather move my own hours than send someone new.",
            "Most of our clients have had the same worker since they started with us, and that's on purpose.",
        ),
        "frontline_staff": (
            "I've supported the same few people for a couple of years now, so we really know each other.",
            "Because it's always me who comes, she doesn't have to explain things all over again every morning.",
            "There are only two of us who go to him, so he always knows whose face he'll see.",
        ),
        "person_using_services": (
            "It's the same person every week, so I don't have to explain everything again.",
            "I've had the same two workers for ages now, and I wouldn't want anyone else.",
            "At the old agency I had somebody different every week; now it's always her.",
        ),
        "carer": (
            "Having the same face matters when you have dementia; my mother knows who's coming.",
            "My son has had the same support worker for years, and that's a big part of why it works.",
            "With the last agency my father had a different person every time; now it's the same two.",
        ),
    },
    "PER02": {  # knowing the person's history
        "owner_manager": (
            "Before anyone starts, I go through with the new worker what the person likes, what upsets them and how they take their tea.",
            "We keep a short page on each person, written with them, so their story goes with whoever supports them.",
            "I've known some of these families for years, so I know the background without anyone having to go over it again.",
        ),
        "frontline_staff": (
            "I know she likes the radio on and the curtains half open; I don't need to ask any more.",
            "After a while you know people's stories, their families, what they did for a living, and it helps you talk with them.",
            "I can tell from the way he says hello whether it's going to be a good day or a hard one.",
        ),
        "person_using_services": (
            "She knows how I like my tea and where I keep things.",
            "They know my family and what I used to do for work, so we've always got something to talk about.",
            "I don't have to tell them about my bad hip every time; they just know.",
        ),
        "carer": (
            "The manager knew my mum's name on the first day, and most of her life story by the end of the week.",
            "They know my husband's routines, so I don't have to write everything down for them.",
            "They know my daughter can't stand noisy rooms, and they plan for it without being reminded.",
        ),
    },
    "PER03": {  # staff free to adjust support
        "owner_manager": (
            "I tell my staff that if the plan doesn't suit the person on the day, change it and let me know afterwards.",
            "My workers don't need to ring the office for permission to do something different; I trust their judgement.",
            "If someone would rather go for a walk than have the hoovering done, the worker can make that call herself.",
        ),
        "frontline_staff": (
            "If she's not up to going out, I can change the plan and we'll do something at home instead.",
            "Nobody minds if I swap the jobs round, as long as the person is happy with it.",
            "I don't have to ring anyone to do something different; I'm trusted to use my own judgement.",
        ),
        "person_using_services": (
            "If I'm tired, she'll change what we do without having to ask anybody.",
            "He can decide there and then to take me out instead of doing the housework.",
            "They don't stick to the plan no matter what; if I need something else, they do it.",
        ),
        "carer": (
            "If my mother is having a bad day, the worker just changes the plan; she doesn't have to check with anyone.",
            "They can decide on the day to take my son out rather than stick to a list of jobs.",
            "The worker uses her common sense with my dad, and nobody tells her off for it.",
        ),
    },
    "PER04": {  # manager is easy to reach
        "owner_manager": (
            "Every client and family has my mobile number, and they do use it, evenings and weekends too.",
            "I still do some of the support myself, so people see me every week and tell me straight if something's wrong.",
            "There's no switchboard here; if a family rings, they get me.",
        ),
        "frontline_staff": (
            "If I'm worried about someone, I ring the manager and she usually comes out herself.",
            "The people I support all know the manager and aren't shy about calling her.",
            "The manager is out with us most weeks, so she hears how people are getting on first-hand.",
        ),
        "person_using_services": (
            "If I ring up, the owner answers the phone herself.",
            "I know the manager well, and she pops in to see me now and then.",
            "I can tell the boss if something isn't right, and it gets sorted.",
        ),
        "carer": (
            "I can ring the owner on a Sunday if something comes up with my mother.",
            "The manager always picks up, or rings me back the same day, whenever I call about my son.",
            "If I'm worried about my wife, I can talk straight to the person in charge.",
        ),
    },
    "PER05": {  # changing times and tasks
        "owner_manager": (
            "If someone wants to swap their morning for an afternoon because of an appointment, we just move it round.",
            "People can use their hours how they like; one lady saves some up for a longer trip out at the end of the month.",
            "We don't have fixed slots, so changing the time or the task is usually one phone call.",
        ),
        "frontline_staff": (
            "If he has an appointment, we move my hours to another day; it's no bother.",
            "Sometimes she'd rather have help in the garden than with the cleaning, so that's what we do.",
            "We can shift things around the week if someone's family is coming to stay.",
        ),
        "person_using_services": (
            "They let me swap my morning visit for an afternoon one.",
            "We changed the day to a Thursday because of my hospital appointments, no fuss at all.",
            "Sometimes I'd rather go to the shops than have the cleaning done, and that's fine with them.",
        ),
        "carer": (
            "When my mother had hospital appointments, they moved her days around without any fuss.",
            "If my son needs help with something different one week, they just switch it.",
            "They move my husband's times when I'm away, which makes a big difference to me.",
        ),
    },
    "PER06": {  # range of activities
        "owner_manager": (
            "We run something different most days, art one day and cooking another, and people pick what they come for.",
            "I'd love to offer more choice, but with a small team we can only run a couple of activities at once.",
            "People can come to the group, have support at home or go out one-to-one; they choose the mix.",
        ),
        "frontline_staff": (
            "There's always a choice of two or three things, and people pick what they fancy.",
            "Some people like the art, some the cooking, some just want to sit and chat, and that's all fine.",
            "We haven't got the range the big centres have, but we try to vary it every week.",
        ),
        "person_using_services": (
            "There's always something different to do, and I pick what I fancy.",
            "Bigger places have more activities, I'll give them that.",
            "I can go to the group or have someone take me out; it's up to me.",
        ),
        "carer": (
            "My daughter tries something new most weeks; she's spoiled for choice.",
            "There's art, music and outings on offer, and my brother chooses what he goes to.",
            "The bigger centre had more on offer, I'll give them that, but my mum didn't like any of it.",
        ),
    },
    # --- innovation: what is offered -------------------------------------------------------------------
    "INN01": {  # non-traditional service
        "owner_manager": (
            "What we do doesn't fit the usual boxes; it isn't home care and it isn't a day centre either.",
            "I started this because nothing like it existed round here, and the council didn't quite know what to call it.",
            "We run a supper club instead of a day centre, and the commissioners had never come across anything like it.",
        ),
        "frontline_staff": (
            "It's not like any care job I've had before; most of the time we're out doing things, not looking after people indoors.",
            "People are surprised when I tell them what I do, because it isn't really home care and it isn't a day centre.",
            "We work more like a club than a care service, and the people who come treat it that way.",
        ),
        "person_using_services": (
            "It's not like the day centre I used to go to; it's more like going to see friends.",
            "I didn't know help like this existed; it's nothing like the usual carers.",
            "It's a club really, not a service, and that's why I keep going.",
        ),
        "carer": (
            "It isn't the usual sort of care; my father goes fishing with his worker.",
            "I'd never heard of a service like this before, and it's exactly what my son needed.",
            "It's nothing like the day centre my mother hated; it feels like a social club.",
        ),
    },
    "INN02": {  # activity-based support
        "owner_manager": (
            "Everything we do starts from an interest, whether that's music, gardening or fixing old bikes.",
            "The dance sessions are the support; the moving, the chatting and getting out of the house all come with them.",
            "We built the service around the allotment, because that's what got people out of bed in the morning.",
        ),
        "frontline_staff": (
            "I lead the music sessions, and you can see people come alive when they start to play.",
            "Most of my shifts are spent in the garden with people, planting and weeding and chatting as we go.",
            "We go dancing every week, and it does more for her than any exercise sheet ever did.",
        ),
        "person_using_services": (
            "I still go to the dance class every week, and I wouldn't miss it for anything.",
            "The music group is what I look forward to all week.",
            "We do the gardening together, and I've learned more about plants than I ever knew.",
        ),
        "carer": (
            "My son used to come home bored; now he talks about the garden all evening.",
            "My mother loved dancing when she was young, so a dance group was the one thing that would get her out.",
            "The singing sessions have brought my husband back to himself.",
        ),
    },
    "INN03": {  # blended service
        "owner_manager": (
            "We do a bit of everything, a lunch club, help at home and trips out, all from the same small team.",
            "Families like that the people who run the group also call in at home, so they aren't dealing with three different services.",
            "We combine day activities with some personal care and the shopping, which would usually mean two or three providers.",
        ),
        "frontline_staff": (
            "I might help someone at home in the morning and then see them at the group in the afternoon.",
            "We do the lunch, the activities and a bit of personal care, all under one roof.",
            "In my old job you'd have needed three different services for what we do here.",
        ),
        "person_using_services": (
            "They help me at home, and I see the same people at the lunch club.",
            "It's all in one place: my dinner, a bit of help and something to do.",
            "I used to have one lot for the care and another lot for going out; now it's just them.",
        ),
        "carer": (
            "It's one service that does the lot for my dad, the lunches, the outings and the help at home.",
            "Before, we had three different services for my daughter, and now it's just the one.",
            "The same people see my mother at the group and at home, which joins it all up.",
        ),
    },
    # --- innovation: how it is offered -----------------------------------------------------------------
    "INN04": {  # more interaction
        "owner_manager": (
            "Our support is built around a conversation, not a checklist; the jobs get done while we talk.",
            "I'd rather my staff cooked alongside someone than cooked for them.",
            "I ask workers to sit down with people, have a cup of tea and do things together, not just tick the tasks off.",
        ),
        "frontline_staff": (
            "I'd rather do the washing up with her than for her; it's how we get talking.",
            "Most of my time with him is conversation, and the jobs fit in around it.",
            "We have time to sit down with people, which I never had at the agency.",
        ),
        "person_using_services": (
            "I don't feel rushed; she sits and talks with me.",
            "We cook together, and I do as much of it as I can myself.",
            "It's more of a chat than a visit; the jobs get done, but we have a laugh too.",
        ),
        "carer": (
            "They actually talk with my mother, not just get her washed and dressed.",
            "The worker cooks with my son rather than for him, and he's learning all the time.",
            "They spend time chatting with my husband instead of rushing through the jobs.",
        ),
    },
    "INN05": {  # flexible delivery
        "owner_manager": (
            "We plan support around the person's week, so if their club is on a Tuesday, we work around the club.",
            "We don't sell visits by the slot; people have their hours, and we arrange them however their week goes.",
            "Some weeks a person needs us a lot and other weeks hardly at all, and we let the hours follow that.",
        ),
        "frontline_staff": (
            "My hours follow what people have on that week, not a fixed timetable.",
            "If she's got her club on a Wednesday, I go on the Thursday instead; it's all arranged around her.",
            "There are no set slots, so I can stay longer when someone needs it and come back another day.",
        ),
        "person_using_services": (
            "They fit around my week; if I've got something on, they come another time.",
            "I don't have a set slot; we sort the times out between us.",
            "When I've got my club they don't come, and they stay longer the next day instead.",
        ),
        "carer": (
            "They work around my dad's week rather than fitting him into their rota.",
            "If my daughter has something on, they move her hours to another day.",
            "There's no fixed slot for my mother; we sort the times out with them each week.",
        ),
    },
    "INN06": {  # people shape the service
        "owner_manager": (
            "Twice a year we sit down with the people we support and their families and decide together what to change.",
            "The people who come to the group chose its name, the days it meets and most of the activities.",
            "One of our carers sits in when we interview new staff, and her view counts as much as mine.",
        ),
        "frontline_staff": (
            "The group decides what we do next month; I just help make it happen.",
            "We ask people what's working and what isn't, and things really do change because of it.",
            "One of the parents suggested an evening session, and now it's our busiest.",
        ),
        "person_using_services": (
            "I feel I have a say in how the group is run.",
            "We voted on the trips for the summer, and they listened.",
            "They asked us what we wanted before they started the new session.",
        ),
        "carer": (
            "They asked the families what we wanted before they changed anything.",
            "I'm on the little group of families that helps decide what the service does next.",
            "They listened when I suggested an evening session for my son, and now it runs every week.",
        ),
    },
    # --- innovation: who is supported ------------------------------------------------------------------
    "INN07": {  # under-served groups
        "owner_manager": (
            "A lot of the people we support had been turned away by other services, or had given up on them.",
            "We work with younger adults who felt out of place in services built for older people.",
            "Some of our clients wouldn't go near a day centre, so we found another way of supporting them.",
        ),
        "frontline_staff": (
            "A lot of the people I work with didn't get on anywhere else, but they've settled here.",
            "We support people other services found too difficult, and most of them are no trouble once they're understood.",
            "Some of our younger members felt out of place at the day centre, so they come to us instead.",
        ),
        "person_using_services": (
            "Other places didn't know what to do with me, but here I fit in.",
            "I was turned away from two places before I found this one.",
            "I didn't want to sit with much older people all day; this suits me far better.",
        ),
        "carer": (
            "My son didn't fit anywhere else; they took him when other services turned him away.",
            "My wife was too young for the day centre and too old for the youth clubs, and this was the only place that suited her.",
            "Nobody else would take my brother because of his behaviour, but they've never had a problem with him.",
        ),
    },
    "INN08": {  # community connections
        "owner_manager": (
            "We get people along to the local choir, the bowls club and the café, so their week isn't only us.",
            "Part of the job is introducing people to their neighbours and to the groups that already meet nearby.",
            "We'd rather help someone join the gardening club than run a gardening club of our own.",
        ),
        "frontline_staff": (
            "I take people to the library and the café, and now they know the staff there by sight.",
            "We've got a few of the people we support singing in the community choir now.",
            "It's about getting people back into the things that go on nearby, not only coming to us.",
        ),
        "person_using_services": (
            "They took me along to the social club, and now I go on my own.",
            "I know my neighbours now, because we started going to the coffee morning together.",
            "I've joined the walking group through them, and I've made a few friends there.",
        ),
        "carer": (
            "They got my mother going to the coffee morning at the church, and now the neighbours pop in.",
            "My son plays for the local football club now, which we'd never have managed on our own.",
            "My dad knows people in the village again since they started taking him out.",
        ),
    },
    "INN09": {  # non-traditional workforce
        "owner_manager": (
            "Some of my best workers came from shops and hotels, not from care.",
            "We recruit people who share an interest with the clients, a retired musician or a keen gardener, and train them in the care side.",
            "Two of our team used the service themselves before they came to work for us.",
        ),
        "frontline_staff": (
            "I'd never worked in care before; I was a hairdresser, and the manager trained me up.",
            "We've got a retired teacher, a gardener and a former chef on the team, and people love that.",
            "I used the service myself before I started working here, so I know what it's like from the other side.",
        ),
        "person_using_services": (
            "The lad who comes used to be a chef, and we cook proper meals together.",
            "She wasn't a carer before, she worked in a garden centre, and you can tell.",
            "One of the helpers used to come here herself, so she understands.",
        ),
        "carer": (
            "My son's worker used to be a mechanic, and they spend hours together on engines.",
            "The woman who comes to my mother used to run a shop, not a care home, and she's wonderful with her.",
            "They take on people who don't come from care, and some of the best ones are those.",
        ),
    },
    # --- sustainability (asked of providers) -----------------------------------------------------------
    "SUS01": {  # start-up help
        "owner_manager": (
            "The micro-enterprise co-ordinator helped me with the business plan, the insurance and the policies.",
            "A small start-up grant paid for the first training courses and all the paperwork.",
            "I went to a few free workshops for people starting out, and that's where I learned how to price the service.",
        ),
        "frontline_staff": (
            "When the manager was starting out, an adviser helped her with the paperwork and the training.",
            "The start-up money paid for my first training courses.",
            "We had a small grant in the first year, and it paid for the minibus.",
        ),
    },
    "SUS02": {  # personal networks
        "owner_manager": (
            "Nearly all our work comes through word of mouth; one family tells another.",
            "I knew a lot of people from my years working in care, and they sent the first clients my way.",
            "Other small providers pass people on to us when they're full, and we do the same for them.",
        ),
        "frontline_staff": (
            "I heard about the job through a friend, and most of our clients come the same way.",
            "People find us because someone at church or at the school gate mentions us.",
            "The manager knows the other small providers, and they pass work back and forth.",
        ),
    },
    "SUS03": {  # working with the council
        "owner_manager": (
            "We're on the council's list of providers, which helps, but they don't tell us how to run things.",
            "The social workers know us now and send people our way, but we've kept our independence.",
            "We talk to the commissioners regularly, but I turned down a block contract because it would have tied our hands.",
        ),
        "frontline_staff": (
            "The social workers ring us when they've got someone they think would suit us.",
            "We get some referrals from the council, but it's the manager who decides how we work.",
            "We work alongside the council's team on some cases, but we're not part of it.",
        ),
    },
    "SUS04": {  # relying on self-funders
        "owner_manager": (
            "Most of our clients pay for themselves; very few have a personal budget.",
            "If the people paying privately stopped coming, we'd be finished.",
            "Personal budgets were meant to bring us more clients, but nearly all our income still comes from people paying their own way.",
        ),
        "frontline_staff": (
            "Most of the people I support pay for it out of their own pocket.",
            "Hardly anyone I work with has a personal budget; it's mostly their own money.",
            "When a private client stops, we all feel it, because that's where the money comes from.",
        ),
    },
    "SUS05": {  # few staff to cover
        "owner_manager": (
            "If I'm ill, there's nobody else to cover, and that's my biggest worry.",
            "When one of the team is on holiday, I end up doing her work as well as the office.",
            "We're so thin on the ground that one person leaving could put the whole service at risk.",
        ),
        "frontline_staff": (
            "If I'm off sick, there's really nobody to step in for me.",
            "When one of us is on holiday, the rest of us cover, and it gets very stretched.",
            "We're such a small team that one person leaving would cause real problems.",
        ),
    },
    "SUS06": {  # uncertain income
        "owner_manager": (
            "Some months are fine, and other months I don't know how we'll pay the bills.",
            "We depend on a handful of clients, so losing one makes a real hole in the income.",
            "I haven't paid myself a proper wage since we started; it goes up and down with the work.",
        ),
        "frontline_staff": (
            "My hours go up and down depending on how many clients we have that month.",
            "When a couple of our clients went into hospital, there was hardly any work for weeks.",
            "You never quite know whether the hours will be there next month.",
        ),
    },
    "SUS07": {  # regulation out of proportion
        "owner_manager": (
            "The inspection paperwork took me most of a fortnight, time I should have spent with clients.",
            "The registration rules are written for big agencies; for a team our size they're out of proportion.",
            "We fill in the same forms as a company a hundred times our size.",
        ),
        "frontline_staff": (
            "The forms we fill in for the inspection take longer than the support itself.",
            "Some of the rules feel as if they were written for big companies, not for a team like ours.",
            "The manager spends her evenings on paperwork for the inspectors instead of with people.",
        ),
    },
    # --- outcomes (asked of people using services and carers) ------------------------------------------
    "OUT01": {  # doing things that matter
        "person_using_services": (
            "I've got something to get up for now; I help with the planting at the group.",
            "I'm doing things I enjoy again, like painting and going to the pictures.",
            "I'm well into my eighties and I still go out dancing, which is what I love.",
        ),
        "carer": (
            "My mother has got her interests back; she's knitting again and going to the group.",
            "He was stuck indoors before; now he's out three days a week.",
            "My daughter has something she looks forward to all week, and it shows.",
        ),
    },
    "OUT02": {  # control over the day
        "person_using_services": (
            "I decide when I get up and what we do; it's my day.",
            "They ask me what I want rather than telling me what's going to happen.",
            "I can say no to things now, and nobody makes a fuss.",
        ),
        "carer": (
            "My dad decides what he wants to do each day, and they go along with it.",
            "My son chooses his own activities now; nobody plans his day for him.",
            "My mother gets up when she wants to, not when a rota says.",
        ),
    },
    "OUT03": {  # company and friendship
        "person_using_services": (
            "I've made friends at the group, and we ring each other during the week.",
            "I used to go days without speaking to anyone; now there's always someone to chat to.",
            "She takes me to the shops and we have a coffee after; it's the highlight of my week.",
        ),
        "carer": (
            "My mother has made real friends at the group, and they look out for each other.",
            "My husband used to see nobody but me; now he has his mates at the club.",
            "My dad has people to talk to again, and he's far more cheerful for it.",
        ),
    },
    # --- cost ------------------------------------------------------------------------------------------
    "COS01": {  # hourly price
        "owner_manager": (
            "We charge a little less than the agencies round here, and it still covers the wages, just.",
            "The council's hourly rate doesn't cover what an hour of proper support costs us.",
            "I set our price by working out the worker's pay and travel, then adding as little as I can.",
        ),
        "frontline_staff": (
            "People tell me we're cheaper than the agencies, and they get more for their money.",
            "The price for an hour is about the same as elsewhere, but here the hour really is an hour.",
            "Some families struggle with the hourly charge, even though it isn't high.",
        ),
        "person_using_services": (
            "I pay for it myself, and it's worth every penny.",
            "It costs a bit, but not as much as the agency did.",
            "I'd like more hours, but I can't afford them on my pension.",
        ),
        "carer": (
            "We pay for my mother's support ourselves, and it's cheaper than the agency was.",
            "The hourly rate is fair for what my son gets out of it.",
            "It isn't cheap, and we worry about how long we can keep paying for my dad.",
        ),
    },
    "COS02": {  # low overheads
        "owner_manager": (
            "We keep the office costs low, so most of the money goes on the support itself.",
            "There's no office; I work from the kitchen table, and that keeps our prices down.",
            "We don't pay for a head office or advertising, so more of each hour goes to the worker.",
        ),
        "frontline_staff": (
            "We haven't got a fancy office, so the money goes on the support.",
            "The manager does the admin herself, so there's no back office to pay for.",
            "We meet in a borrowed hall, which keeps the costs down.",
        ),
        "person_using_services": (
            "They haven't got a big office, so you're paying for the help, not the building.",
            "There are no frills, but the money goes on us.",
            "I like that I'm not paying for somebody to sit in an office.",
        ),
        "carer": (
            "They haven't got a big office to pay for, so the money goes on my mother.",
            "It's a small outfit with no frills, and you can see where the money goes.",
            "You're not paying for layers of managers, just for the people who help my son.",
        ),
    },
    "COS03": {  # short visits
        "owner_manager": (
            "We never do fifteen-minute calls; you can't help anyone properly in that time.",
            "The council wanted half-hour visits to save money, and we said no.",
            "When people come to us from the big agencies, the first thing they mention is how rushed the short visits were.",
        ),
        "frontline_staff": (
            "At my last job the visits were fifteen minutes, and you couldn't do anything properly.",
            "Here we never rush; we don't do those quick calls.",
            "Short visits might save money, but people end up lonely and poorly looked after.",
        ),
        "person_using_services": (
            "The old visits were fifteen minutes; they'd barely taken their coat off.",
            "I used to be rushed through everything so they could get on to the next person.",
            "Now they stay the whole hour; it isn't a quick in and out any more.",
        ),
        "carer": (
            "The big agency did fifteen-minute calls for my dad, and that's no way to look after anyone.",
            "With the old provider my mother's visits were so short they barely got through the door.",
            "My husband's visits used to be rushed; now they stay long enough to do things properly.",
        ),
    },
}
