// Word lists for TweetGenerator; see tweet_vocabulary.h. Data only: this file is long because
// it is a table, not logic.
#include "tweets/tweet_vocabulary.h"

#include <array>

namespace eddy::tweets::vocab {
namespace {

using std::string_view_literals::operator""sv;

// --- English -----------------------------------------------------------------------------
// Every word in the neutral lists was checked against the VADER lexicon (none may appear).

constexpr std::string_view kThings[] = {
    "the new phone",     "this album",     "the update",      "the game last night",
    "the movie",         "my coffee",      "the weather",     "this song",
    "the new season",    "the meeting",    "the train",       "the food here",
    "the last episode",  "the concert",    "my flight",       "the new menu",
    "this book",         "the match",      "the show",        "the app",
    "the new trailer",   "this city",      "the hotel",       "the ending",
    "the halftime show", "the new design", "the keynote",     "the soundtrack",
    "this podcast",      "the new camera", "my new laptop",   "the traffic",
    "the wifi here",     "the final",      "the new episode", "the stadium",
    "the documentary",   "the sequel",     "this restaurant", "the battery life",
};

constexpr std::string_view kEvents[] = {
    "game",   "concert",     "match",  "show",    "day",  "night",   "weekend", "trip",
    "season", "performance", "finish", "morning", "goal", "episode", "race",    "album",
};

// Mild words (|valence| <= 2.5): alone, or with one booster or one '!', they stay below the
// VERY_* threshold (|compound| 0.6, i.e. a valence sum of 2.9).
constexpr std::string_view kPositive[] = {
    "good",    "nice",  "cool",  "fun",  "interesting", "pleasant",
    "helpful", "sweet", "funny", "cute", "impressive",  "enjoyable",
};
constexpr std::string_view kNegative[] = {
    "bad",   "boring", "annoying",    "ridiculous", "useless", "disappointing", "sad",
    "messy", "lame",   "frustrating", "confusing",  "poor",    "terrible",      "awful",
};
// Strong words (|valence| >= 2.4), for the VERY_* tweets and after a dampener.
constexpr std::string_view kStrongPositive[] = {
    "great",     "awesome",   "amazing", "excellent", "perfect", "brilliant",
    "wonderful", "fantastic", "lovely",  "beautiful", "superb",
};
constexpr std::string_view kStrongNegative[] = {
    "horrible", "disgusting", "the worst", "pathetic", "a disaster", "stupid", "ugly",
};
constexpr std::string_view kPositiveVerbs[] = {"like", "enjoy", "really like", "like", "enjoy"};
constexpr std::string_view kNegativeVerbs[] = {"hate", "dislike", "despise", "dislike"};
constexpr std::string_view kBoosters[] = {
    "very ",    "extremely ",  "really ",     "so ",
    "totally ", "absolutely ", "incredibly ", "completely ",
};
constexpr std::string_view kDampeners[] = {
    "kind of ", "slightly ", "somewhat ", "a little ", "sort of ", "marginally ",
};
constexpr std::string_view kNegatedCopulas[] = {
    "is not", "isn't", "was not", "wasn't", "is never", "was never", "is not really",
};

constexpr std::string_view kPlaceActions[] = {
    "heading to", "just got back from", "on my way to", "walking to",  "driving to", "sitting in",
    "back at",    "still at",           "leaving",      "arriving at",
};
constexpr std::string_view kPlaces[] = {
    "the office",  "the airport", "the station",     "the gym",    "the library",
    "the kitchen", "the garage",  "the city centre", "the market", "the stadium",
    "the hotel",   "the clinic",  "the post office", "the studio", "the campus",
};
constexpr std::string_view kTopicActions[] = {
    "reading about",   "thinking about", "talking about", "writing about", "working on",
    "taking notes on", "preparing for",  "planning",      "checking",      "watching",
    "listening to",    "just finished",  "waiting for",   "looking at",    "packing for",
};
constexpr std::string_view kTopics[] = {
    "the new update",
    "the match",
    "the meeting",
    "the report",
    "the project",
    "the game",
    "the schedule",
    "the budget",
    "the election",
    "the forecast",
    "the new season",
    "the podcast",
    "the interview",
    "the documentary",
    "the conference",
    "the release notes",
    "the playlist",
    "my notes",
    "the slides",
    "the draft",
    "the quarterly numbers",
    "lunch",
    "dinner",
    "the trip",
    "the move",
};
constexpr std::string_view kNeutralTimes[] = {
    "",
    "",
    " today",
    " tonight",
    " this morning",
    " right now",
    " again",
    " after work",
    " this weekend",
    " on Monday",
    " before the deadline",
    " for the third time",
    " at 9",
    " with the team",
};
constexpr std::string_view kNeutralSentences[] = {
    "Does anyone know when the match starts?",
    "What time is the concert tonight?",
    "Is the library open on Sunday?",
    "The meeting moved to Thursday.",
    "New episode drops on Friday.",
    "Three days until the conference.",
    "Reminder: the deadline is at midnight.",
    "Update: the app now runs on tablets.",
    "Train to Boston at 7.",
    "Which airport is closer to the city centre?",
    "The results come out tomorrow at noon.",
    "Who else is watching the debate tonight?",
    "Just landed in Chicago.",
    "Back to the office on Monday.",
    "Coffee first, then emails.",
    "The store closes at 8 today.",
    "Anyone else working from home today?",
    "Spent the afternoon moving boxes.",
    "The bus was on time today.",
    "Read the whole thread before replying.",
    "Thread on the budget below.",
    "Voting starts at 7 tomorrow.",
    "The new iOS version is out.",
    "Tickets go on sale next week.",
    "The stadium holds 60000 people.",
    "Just watched \"Dune\" again.",
    "The sign says \"back in 5 minutes\" ...",
    "Moved it to C:\\Users\\me\\Downloads as usual.",
};
constexpr std::string_view kEnglishNames[] = {
    "James Miller", "Emma Johnson", "Liam Smith",   "Olivia Brown", "Noah Davis",
    "Ava Wilson",   "Mason Clark",  "Sophia Lewis", "Ethan Walker", "Mia Hall",
    "Lucas Young",  "Chloe King",   "Jack Wright",  "Grace Scott",  "Ryan Green",
    "Zoe Adams",    "Daniel Baker", "Lily Nelson",  "Sam Carter",   "Nora Mitchell",
    "Marcus Reed",  "Aisha Khan",   "Kenji Tanaka", "Priya Patel",  "Carlos Rivera",
};

// --- Other languages ---------------------------------------------------------------------

constexpr std::string_view kSpanish[] = {
    "Hoy es un día muy tranquilo en la oficina.",
    "No puedo creer lo que pasó en el partido de anoche.",
    "¿Alguien sabe a qué hora empieza el concierto?",
    "Me encanta este lugar, la comida es increíble.",
    "Qué calor hace hoy en Madrid.",
    "Mañana tengo que levantarme temprano para trabajar.",
    "Estoy viendo la nueva serie y no puedo parar.",
    "El tráfico en la ciudad está imposible esta mañana.",
    "Por fin es viernes, a descansar un poco.",
    "Gracias a todos por los mensajes de cumpleaños.",
    "Acabo de terminar el libro y me ha dejado sin palabras.",
    "Vamos a la playa este fin de semana con los amigos.",
    "El nuevo disco está buenísimo, lo recomiendo.",
    "Qué ganas de que llegue el verano.",
    "No entiendo por qué el tren siempre llega tarde.",
    "La reunión de hoy fue larga pero productiva.",
    "Esta canción me recuerda a mi infancia.",
    "Hace mucho frío, me quedo en casa con un café.",
    "Los precios del supermercado no paran de subir.",
    "Felicidades al equipo por la victoria de hoy.",
    "Necesito vacaciones lo antes posible.",
    "Mi perro se comió mis zapatos otra vez.",
    "El mejor café de la ciudad está en esta esquina.",
    "Empiezo el curso de programación la semana que viene.",
    "Qué partido tan emocionante, hasta el último minuto.",
    "Ya salió el nuevo capítulo, sin spoilers por favor.",
    "Estoy cansado pero contento con el resultado.",
    "¿Qué opinan de las nuevas medidas del gobierno?",
    "La lluvia no para desde ayer.",
    "Buenos días a todos, que tengan un gran día.",
};
constexpr std::string_view kSpanishTags[] = {"FelizViernes", "LaLiga", "Madrid",    "España",
                                             "ElClásico",    "café",   "Barcelona", "México"};
constexpr std::string_view kSpanishNames[] = {
    "Lucía García",   "Mateo Fernández", "Sofía López",   "Diego Martínez",
    "Valentina Ruiz", "Alejandro Gómez", "Camila Torres", "Javier Díaz"};

constexpr std::string_view kPortuguese[] = {
    "Bom dia a todos, hoje o dia está lindo.",
    "Não acredito que o jogo terminou assim.",
    "Alguém sabe que horas começa o show?",
    "Estou com muita saudade de vocês.",
    "O trânsito em São Paulo está um caos hoje.",
    "Finalmente sexta-feira, vamos descansar.",
    "Acabei de assistir o novo episódio e estou chocado.",
    "Essa música não sai da minha cabeça.",
    "Preciso de férias urgentemente.",
    "A comida desse restaurante é maravilhosa.",
    "Obrigado a todos pelas mensagens de aniversário.",
    "Vou para a praia no fim de semana com a família.",
    "Que calor está fazendo no Rio de Janeiro.",
    "O ônibus atrasou de novo, que raiva.",
    "Amanhã começo no trabalho novo, estou nervoso.",
    "Parabéns ao time pela vitória de ontem.",
    "Não aguento mais essa chuva.",
    "Meu cachorro é o melhor companheiro do mundo.",
    "Estou lendo um livro muito bom sobre história.",
    "A reunião de hoje foi muito longa.",
    "Quem vai assistir o clássico hoje à noite?",
    "Tomando um café e trabalhando de casa.",
    "Os preços no mercado estão cada vez mais altos.",
    "Que saudade das férias do ano passado.",
    "Esse filme é muito melhor do que eu esperava.",
    "Hoje é dia de treino, bora lá.",
    "Eu não sei o que fazer com a minha vida.",
    "O novo álbum dela está incrível.",
    "Já estou com fome de novo.",
    "Boa noite, amanhã tem mais.",
};
constexpr std::string_view kPortugueseTags[] = {"SãoPaulo", "Brasil",      "BBB26",
                                                "Flamengo", "Corinthians", "Lisboa"};
constexpr std::string_view kPortugueseNames[] = {
    "João Silva",    "Ana Souza",       "Pedro Oliveira", "Beatriz Santos",
    "Gabriel Costa", "Larissa Pereira", "Thiago Almeida"};

constexpr std::string_view kFrench[] = {
    "Bonjour tout le monde, il fait beau aujourd'hui.",
    "Je ne sais pas quoi faire ce week-end.",
    "Le métro est encore en retard ce matin.",
    "Quelqu'un sait à quelle heure commence le match ?",
    "J'adore cette chanson, elle me rappelle l'été.",
    "Enfin vendredi, on va pouvoir se reposer.",
    "Le nouveau film est vraiment magnifique.",
    "Il pleut depuis trois jours à Paris.",
    "Merci beaucoup pour tous vos messages.",
    "Je viens de finir le livre, quelle histoire.",
    "On se retrouve au café après le travail.",
    "Les prix au supermarché sont de plus en plus chers.",
    "Je suis trop fatigué pour sortir ce soir.",
    "Quel match incroyable hier soir.",
    "La réunion a duré toute la matinée.",
    "J'ai besoin de vacances le plus vite possible.",
    "Mon chat dort sur mon clavier encore une fois.",
    "Ce restaurant est le meilleur du quartier.",
    "Qui regarde la finale ce soir ?",
    "Je commence un nouveau travail lundi prochain.",
    "Les grèves continuent, pas de train demain.",
    "C'est la meilleure nouvelle de la semaine.",
    "Bonne soirée à tous et à demain.",
    "Il fait trop chaud dans ce bureau.",
    "Je cherche un bon livre pour les vacances.",
    "Nous partons à la mer avec les enfants.",
    "Franchement, cette série est une catastrophe.",
    "Rien de mieux qu'un croissant le matin.",
    "Je pense que le gouvernement va changer la loi.",
    "Quelle belle journée pour une promenade.",
};
constexpr std::string_view kFrenchTags[] = {"café",      "Paris",  "PSG",
                                            "Marseille", "Québec", "Ligue1"};
constexpr std::string_view kFrenchNames[] = {"Camille Dubois", "Hugo Lefèvre",  "Léa Moreau",
                                             "Louis Bernard",  "Chloé Laurent", "Théo Girard"};

constexpr std::string_view kGerman[] = {
    "Guten Morgen, heute ist das Wetter wirklich schön.",
    "Die Bahn hat schon wieder Verspätung.",
    "Weiß jemand, wann das Spiel heute Abend anfängt?",
    "Endlich Wochenende, ich brauche dringend Ruhe.",
    "Ich habe gerade das neue Album gehört und bin begeistert.",
    "Es regnet seit drei Tagen ohne Pause.",
    "Vielen Dank für die vielen Nachrichten zum Geburtstag.",
    "Das Essen in diesem Restaurant ist einfach großartig.",
    "Morgen fange ich mit dem neuen Job an.",
    "Die Preise im Supermarkt werden immer höher.",
    "Ich bin heute total müde und gehe früh schlafen.",
    "Was für ein Spiel gestern Abend, unglaublich.",
    "Die Besprechung hat den ganzen Vormittag gedauert.",
    "Wir fahren am Wochenende mit der Familie an die See.",
    "Mein Hund hat schon wieder meine Schuhe gefressen.",
    "Ich suche ein gutes Buch für den Urlaub.",
    "Der Kaffee hier ist der beste in der Stadt.",
    "Wer schaut heute das Finale?",
    "Im Büro ist es viel zu warm.",
    "Ich verstehe nicht, warum das so lange dauert.",
    "Heute Abend gibt es Pizza mit Freunden.",
    "Die neue Folge war wirklich spannend.",
    "Ich habe keine Lust mehr auf diesen Winter.",
    "Berlin ist im Sommer einfach die schönste Stadt.",
    "Der Zug ist ausgefallen und ich stehe am Bahnhof.",
    "Schönen Abend euch allen und bis morgen.",
    "Wir müssen über die Zukunft unserer Städte reden.",
    "Das war die beste Nachricht der Woche.",
    "Ich lerne gerade Spanisch für die Reise.",
    "Kann mir jemand ein gutes Café in der Nähe empfehlen?",
};
constexpr std::string_view kGermanTags[] = {"Bundesliga", "Berlin", "Tatort",
                                            "München",    "Glück",  "DeutscheBahn"};
constexpr std::string_view kGermanNames[] = {"Lukas Müller", "Anna Schmidt", "Jonas Schneider",
                                             "Lena Fischer", "Felix Weber",  "Marie Wagner"};

constexpr std::string_view kJapanese[] = {
    "今日はとても良い天気ですね。",
    "電車がまた遅れている。最悪だ。",
    "新しいアルバムを聴いたけど、本当に最高でした。",
    "明日から新しい仕事が始まります。",
    "週末は家族と一緒に海に行く予定です。",
    "このラーメン屋さんは本当に美味しい。",
    "昨日の試合はすごかった！",
    "疲れたので今日は早く寝ます。",
    "誰か今夜のライブに行く人いますか？",
    "雨が三日間も降り続いている。",
    "新しいドラマが面白すぎて止まらない。",
    "東京の夏は暑すぎる。",
    "誕生日のメッセージありがとうございました。",
    "今日は一日中会議でした。",
    "コーヒーを飲みながら仕事をしています。",
    "猫がキーボードの上で寝ている。",
    "やっと金曜日だ。週末が楽しみ。",
    "この本はとても感動しました。",
    "駅前に新しいカフェができたらしい。",
    "桜がきれいに咲いています。",
    "今夜は友達と焼肉を食べに行きます。",
    "仕事が終わらない。助けて。",
    "来月、大阪に旅行に行きます。",
    "おはようございます。今日も一日頑張りましょう。",
    "このゲームはもう三時間もやっている。",
    "最近、料理を始めました。",
    "明日のテストが心配です。",
    "みなさん、おやすみなさい。",
    "この映画、絶対に見てください。",
    "電車の中で寝てしまった。",
};
constexpr std::string_view kJapaneseTags[] = {"東京",       "日本",     "ラーメン",
                                              "今日の一枚", "おはよう", "拡散希望"};
constexpr std::string_view kJapaneseNames[] = {"佐藤 健",   "鈴木 さくら", "高橋 翔",
                                               "田中 美咲", "伊藤 大輝",   "渡辺 結衣"};

constexpr std::string_view kArabic[] = {
    "صباح الخير جميعا، يوم جميل اليوم.",
    "لا أصدق ما حدث في المباراة أمس.",
    "الطقس حار جدا في الرياض اليوم.",
    "أخيرا جاء يوم الجمعة.",
    "شكرا لكم على كل الرسائل الجميلة.",
    "هل يعرف أحد متى تبدأ الحفلة؟",
    "أنا متعب جدا وأريد أن أنام.",
    "هذا المطعم هو الأفضل في المدينة.",
    "الزحام في الشوارع لا يطاق هذا الصباح.",
    "سأسافر مع عائلتي في نهاية الأسبوع.",
    "قرأت كتابا رائعا عن التاريخ.",
    "الأسعار في السوق ترتفع كل يوم.",
    "مبروك للفريق على الفوز الكبير.",
    "أحتاج إلى إجازة في أقرب وقت.",
    "الاجتماع اليوم كان طويلا جدا.",
    "أحب القهوة في الصباح مع الأصدقاء.",
    "اللهم اجعل هذا اليوم خيرا لنا جميعا.",
    "المسلسل الجديد ممتع جدا.",
    "متى ينتهي هذا الامتحان؟",
    "الجو جميل اليوم في القاهرة.",
    "لا أعرف ماذا أفعل في العطلة.",
    "أتمنى لكم ليلة سعيدة.",
    "بدأت العمل في وظيفة جديدة اليوم.",
    "هذه الأغنية رائعة جدا.",
    "من سيشاهد المباراة الليلة؟",
};
constexpr std::string_view kArabicTags[] = {"السعودية", "مصر", "رمضان", "القاهرة", "الهلال"};
constexpr std::string_view kArabicNames[] = {"محمد العتيبي", "فاطمة الزهراء", "أحمد حسن",
                                             "نورة القحطاني", "عمر خالد"};

constexpr std::string_view kRussian[] = {
    "Доброе утро всем, сегодня отличная погода.",
    "Не могу поверить, что мы проиграли этот матч.",
    "Кто-нибудь знает, когда начинается концерт?",
    "Наконец-то пятница, можно отдохнуть.",
    "Только что посмотрел новый фильм, очень понравился.",
    "В Москве опять пробки на всех дорогах.",
    "Спасибо всем за поздравления с днём рождения.",
    "Завтра начинаю работать на новом месте.",
    "Дождь идёт уже третий день подряд.",
    "Цены в магазинах растут каждую неделю.",
    "Я очень устал и хочу спать.",
    "Этот ресторан лучший в нашем городе.",
    "Совещание длилось всё утро.",
    "На выходных поедем с семьёй на дачу.",
    "Моя кошка снова спит на клавиатуре.",
    "Читаю интересную книгу по истории.",
    "Поезд опять опаздывает на полчаса.",
    "Кто будет смотреть финал сегодня вечером?",
    "Очень хочется в отпуск куда-нибудь к морю.",
    "Новый сериал просто потрясающий.",
    "Пью кофе и работаю из дома.",
    "Зима в этом году слишком длинная.",
    "Поздравляю нашу команду с победой.",
    "Не понимаю, почему всё так сложно.",
    "Всем спокойной ночи и до завтра.",
};
constexpr std::string_view kRussianTags[] = {"мир", "Москва", "Россия", "футбол", "Питер"};
constexpr std::string_view kRussianNames[] = {"Анна Иванова", "Дмитрий Смирнов", "Екатерина Попова",
                                              "Алексей Волков", "Мария Кузнецова"};

constexpr std::string_view kKorean[] = {
    "오늘 날씨가 정말 좋네요.",
    "어제 경기 진짜 대박이었어요.",
    "내일부터 새로운 회사에 출근합니다.",
    "주말에 가족이랑 바다에 갈 거예요.",
    "이 노래 너무 좋아서 계속 듣고 있어요.",
    "지하철이 또 늦게 와서 지각했어요.",
    "생일 축하 메시지 감사합니다.",
    "오늘은 하루 종일 회의만 했어요.",
    "커피 마시면서 일하는 중이에요.",
    "새 드라마 너무 재밌어요.",
    "서울은 요즘 너무 추워요.",
    "드디어 금요일이다!",
    "오늘 저녁은 친구들이랑 치킨 먹어요.",
    "피곤해서 일찍 자야겠어요.",
    "이 식당 진짜 맛있어요. 추천합니다.",
    "시험 때문에 너무 걱정돼요.",
    "콘서트 티켓 구하신 분 있나요?",
    "고양이가 키보드 위에서 자고 있어요.",
    "다음 달에 부산으로 여행 가요.",
    "모두 좋은 밤 되세요.",
};
constexpr std::string_view kKoreanTags[] = {"서울", "한국", "맛집", "BTS", "케이팝"};
constexpr std::string_view kKoreanNames[] = {"김민준", "이서연", "박지훈", "최수아", "정우진"};

constexpr std::string_view kTurkish[] = {
    "Günaydın herkese, bugün hava çok güzel.",
    "Dün akşamki maç inanılmazdı.",
    "Yarın yeni işime başlıyorum.",
    "Hafta sonu ailemle denize gideceğiz.",
    "Bu şarkıyı dinlemekten hiç bıkmıyorum.",
    "İstanbul trafiği yine berbat.",
    "Doğum günü mesajları için herkese teşekkürler.",
    "Bugün bütün gün toplantıdaydım.",
    "Kahvemi içip çalışmaya devam ediyorum.",
    "Yeni dizi gerçekten çok güzel.",
    "Nihayet cuma geldi.",
    "Çok yorgunum, bu akşam erken yatacağım.",
    "Bu restoran şehrin en iyisi.",
    "Fiyatlar her gün artıyor.",
    "Konsere bilet bulan var mı?",
    "Kedim yine klavyenin üstünde uyuyor.",
    "Tatile çok ihtiyacım var.",
    "Bu akşam arkadaşlarla yemeğe çıkıyoruz.",
    "Sınav yüzünden çok stresliyim.",
    "Herkese iyi geceler.",
};
constexpr std::string_view kTurkishTags[] = {"İstanbul", "Türkiye", "Galatasaray", "Fenerbahçe"};
constexpr std::string_view kTurkishNames[] = {"Elif Yılmaz", "Mehmet Kaya", "Zeynep Demir",
                                              "Emre Çelik", "Ayşe Şahin"};

constexpr std::string_view kHindi[] = {
    "सुप्रभात दोस्तों, आज मौसम बहुत अच्छा है।",
    "कल का मैच बहुत शानदार था।",
    "कल से मेरी नई नौकरी शुरू हो रही है।",
    "इस हफ्ते परिवार के साथ घूमने जा रहे हैं।",
    "यह गाना मुझे बहुत पसंद है।",
    "दिल्ली में आज बहुत गर्मी है।",
    "जन्मदिन की शुभकामनाओं के लिए सभी का धन्यवाद।",
    "आज पूरा दिन मीटिंग में निकल गया।",
    "चाय पीते हुए काम कर रहा हूं।",
    "नई फिल्म सच में कमाल की है।",
    "मैं बहुत थक गया हूं, अब सोने जा रहा हूं।",
    "ट्रेन फिर से लेट है।",
    "इस रेस्टोरेंट का खाना बहुत स्वादिष्ट है।",
    "परीक्षा की वजह से बहुत तनाव है।",
    "क्या कोई जानता है कि कॉन्सर्ट कब शुरू होगा?",
    "आप सभी को शुभ रात्रि।",
    "बारिश रुकने का नाम ही नहीं ले रही।",
    "भारत ने आज शानदार जीत हासिल की।",
    "मुझे छुट्टी की सख्त जरूरत है।",
    "आज खाने में पनीर बना है।",
};
constexpr std::string_view kHindiTags[] = {"भारत", "दिल्ली", "IPL", "Bollywood", "मुंबई"};
constexpr std::string_view kHindiNames[] = {"राहुल शर्मा", "प्रिया सिंह", "अमित कुमार", "नेहा गुप्ता",
                                            "विकास यादव"};

// "und": texts a language identifier cannot place (emoji, numbers, laughter).
constexpr std::string_view kUndetermined[] = {
    "😂😂😂",  "🔥🔥🔥", "👀",   "❤️❤️", "😭😭",  "🙏", "10/10",
    "2026", "...", "😍😍😍", "👍👍",           "!!!", "😂", "🤔",
    "💯",    "3-1", "👏👏👏", "🎉🎉",           "😳",   "?", "¯\\_(ツ)_/¯",
};
constexpr std::string_view kNoTags[] = {"und"};  // unused: und tweets take global hashtags
constexpr std::string_view kUndNames[] = {"✨", "🌙 luna", "_", "x", "ツ"};

constexpr LanguageVocabulary kOthers[] = {
    {"es", kSpanish, kSpanishTags, kSpanishNames, " "},
    {"pt", kPortuguese, kPortugueseTags, kPortugueseNames, " "},
    {"fr", kFrench, kFrenchTags, kFrenchNames, " "},
    {"de", kGerman, kGermanTags, kGermanNames, " "},
    {"ja", kJapanese, kJapaneseTags, kJapaneseNames, ""},
    {"ar", kArabic, kArabicTags, kArabicNames, " "},
    {"ru", kRussian, kRussianTags, kRussianNames, " "},
    {"ko", kKorean, kKoreanTags, kKoreanNames, " "},
    {"tr", kTurkish, kTurkishTags, kTurkishNames, " "},
    {"hi", kHindi, kHindiTags, kHindiNames, " "},
    {"und", kUndetermined, kNoTags, kUndNames, " "},
};

// --- Hashtags ----------------------------------------------------------------------------
// No entry may equal a VADER lexicon word once lower-cased ("love", "win", "fun" are out).

constexpr std::string_view kRealHashtags[] = {
    "AdBor",
    "TAMED_DASHED",
    "GOT7",
    "KingdomHearts",
    "etsy",
    "NowPlaying",
    "MondayMotivation",
    "TBT",
    "ThrowbackThursday",
    "BTS",
    "WorldCup",
    "AI",
    "Bitcoin",
    "NBA",
    "NFL",
    "SuperBowl",
    "Oscars",
    "GRAMMYs",
    "NewYear2026",
    "HappyNewYear",
    "COVID19",
    "ClimateAction",
    "MachineLearning",
    "DataScience",
    "100DaysOfCode",
    "gamedev",
    "indiedev",
    "photography",
    "travel",
    "foodie",
    "FitFam",
    "StarWars",
    "MCU",
    "Netflix",
    "GameOfThrones",
    "Eurovision",
    "F1",
    "Wimbledon",
    "PremierLeague",
    "ChampionsLeague",
    "Apple",
    "Android",
    "crypto",
    "NFT",
    "Tesla",
    "SpaceX",
    "NASA",
    "Election2026",
    "WWE",
    "anime",
    "kpop",
    "OnePiece",
    "Minecraft",
    "Fortnite",
    "Pokemon",
    "Zelda",
    "Xbox",
    "PS5",
    "NintendoSwitch",
    "Coachella",
    "BlackFriday",
    "CyberMonday",
    "Halloween",
    "Christmas",
    "ValentinesDay",
    "EarthDay",
    "WomensDay",
    "FridayFeeling",
    "WednesdayWisdom",
    "SundayFunday",
    "FridayNight",
    "OOTD",
    "selfie",
    "dogsoftwitter",
    "catsoftwitter",
    "bookworm",
    "amwriting",
    "writingcommunity",
    "vegan",
    "coffee",
    "tech",
    "startup",
    "marketing",
    "SEO",
    "cybersecurity",
    "Kubernetes",
    "rustlang",
    "cpp",
    "python",
    "javascript",
    "OpenSource",
    "Linux",
    "blockchain",
    "ethereum",
    "stocks",
    "investing",
    "realestate",
    "London",
    "NYC",
    "LosAngeles",
    "Tokyo",
    "Mumbai",
    "Lagos",
    "Toronto",
    "Sydney",
    "café",
    "東京",
    "мир",
    "日本",
    "K_POP",
    "Lakers",
    "Arsenal",
    "RealMadrid",
    "MUFC",
    "IPL2026",
    "GenshinImpact",
    "Wordle",
    "ChatGPT",
    "OpenAI",
    "climate",
    "TaylorSwift",
    "Beyonce",
    "Drake",
    "BadBunny",
    "Shakira",
};
constexpr std::string_view kHashtagPrefixes[] = {
    "Team",  "Save",   "Stop",    "Vote",   "Go",     "Just",   "Big",    "Real",
    "Night", "Sunday", "Monday",  "Friday", "Summer", "Winter", "Spring", "Global",
    "Tiny",  "Golden", "Silver",  "Blue",   "Red",    "Green",  "Black",  "Pixel",
    "Retro", "Cyber",  "Urban",   "Wild",   "Ocean",  "Sky",    "Star",   "Moon",
    "Sun",   "Rain",   "Snow",    "Fire",   "Iron",   "Neon",   "Lunar",  "Solar",
    "Metro", "Indie",  "Street",  "Coffee", "Book",   "Film",   "Game",   "Code",
    "Data",  "Cloud",  "Quantum", "Rocket", "Dragon", "Tiger",  "Wolf",   "Fox",
    "Panda", "Eagle",  "Shark",   "Ninja",  "Robot",  "Turbo",  "Hyper",  "Mega",
};
constexpr std::string_view kHashtagSuffixes[] = {
    "Nation",  "Squad",  "Life",   "Vibes",   "Day",    "Week",   "Club",  "Fest",
    "Talk",    "Watch",  "Live",   "Now",     "Era",    "Gang",   "World", "Zone",
    "Crew",    "Hour",   "Mode",   "Time",    "Wave",   "Rush",   "Story", "Lab",
    "Hub",     "Cup",    "League", "Tour",    "Show",   "Party",  "Run",   "Jam",
    "Craft",   "Quest",  "Chat",   "Fans",    "Army",   "Drop",   "Moves", "Beats",
    "Diaries", "Files",  "Radio",  "Cast",    "Market", "Summit", "Camp",  "Academy",
    "Games",   "Stars",  "Labs",   "Works",   "Force",  "Riders", "Kings", "Queens",
    "Tribe",   "Family", "Heroes", "Legends", "Season", "Stream", "Point", "Base",
};

constexpr std::string_view kHandleWords[] = {
    "pixel",  "coffee", "night", "river",  "maple",  "tiger", "lunar", "retro", "urban",
    "jazz",   "nova",   "echo",  "blue",   "solar",  "atlas", "delta", "orbit", "cedar",
    "ember",  "frost",  "ivy",   "koala",  "mango",  "ninja", "otter", "panda", "quartz",
    "raven",  "salt",   "tango", "violet", "willow", "yeti",  "zen",   "alex",  "sam",
    "jordan", "taylor", "casey", "riley",  "max",    "leo",   "nina",  "kai",   "luna",
    "noah",   "emma",   "liam",  "sofia",  "yuki",   "hana",  "omar",  "lena",  "ivan",
};

// Mild emoji have no VADER valence (their names are outside the lexicon), so they keep a
// mild tweet mild; strong ones add 1.9 to 3.2 to the valence sum.
constexpr std::string_view kMildPositiveEmoji[] = {"👍", "🙏", "👏"};
constexpr std::string_view kMildNegativeEmoji[] = {"😡", "😤", "🙄"};
constexpr std::string_view kStrongPositiveEmoji[] = {"😍", "❤️", "😂", "😊", "🎉"};
constexpr std::string_view kStrongNegativeEmoji[] = {"😭", "😠", "🔥", "😢"};
constexpr std::string_view kNeutralEmoji[] = {"👀", "☕", "🚆", "✈️", "⚽", "🎶", "📸", "📚", "🙏"};

constexpr Link kLinks[] = {
    {"https://www.bbc.co.uk/news/technology-67812345", "bbc.co.uk/news/technolog…"},
    {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube.com/watch?v=dQw4w9…"},
    {"https://github.com/eddy-dev/eddy", "github.com/eddy-dev/eddy"},
    {"https://www.instagram.com/p/C1a2B3c4D5e/", "instagram.com/p/C1a2B3c4D5e/"},
    {"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "open.spotify.com/track/4uLU6h…"},
    {"https://www.nytimes.com/2026/01/01/world/new-year.html", "nytimes.com/2026/01/01/wor…"},
    {"https://elpais.com/deportes/2026-01-01/el-clasico.html", "elpais.com/deportes/2026-0…"},
    {"https://www3.nhk.or.jp/news/html/20260101/k10014.html", "www3.nhk.or.jp/news/html/20…"},
    {"https://twitter.com/i/web/status/1742345678901234567", "twitter.com/i/web/status/1…"},
    {"https://www.theguardian.com/sport/2026/jan/01/live", "theguardian.com/sport/2026/…"},
    {"https://example.com/?q=a&lang=en", "example.com/?q=a&lang=en"},
};

constexpr EnglishVocabulary kEnglish = {
    kThings,        kEvents,        kPositive, kNegative,     kStrongPositive,   kStrongNegative,
    kPositiveVerbs, kNegativeVerbs, kBoosters, kDampeners,    kNegatedCopulas,   kPlaceActions,
    kPlaces,        kTopicActions,  kTopics,   kNeutralTimes, kNeutralSentences, kEnglishNames,
};

}  // namespace

std::span<const LanguageVocabulary> other_languages() { return kOthers; }
const EnglishVocabulary& english() { return kEnglish; }
Words real_hashtags() { return kRealHashtags; }
Words hashtag_prefixes() { return kHashtagPrefixes; }
Words hashtag_suffixes() { return kHashtagSuffixes; }
Words handle_words() { return kHandleWords; }
Words mild_positive_emoji() { return kMildPositiveEmoji; }
Words mild_negative_emoji() { return kMildNegativeEmoji; }
Words strong_positive_emoji() { return kStrongPositiveEmoji; }
Words strong_negative_emoji() { return kStrongNegativeEmoji; }
Words neutral_emoji() { return kNeutralEmoji; }
std::span<const Link> links() { return kLinks; }

}  // namespace eddy::tweets::vocab
