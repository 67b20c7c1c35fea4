/**
 * The source document's telephone etiquette (../shared/seed, "Règles de réception des appels
 * téléphoniques par le secrétaire"): what the secretary says when presenting a caller,
 * holding the line, the neutral excuses for an absent or busy director, the polite refusals
 * and the farewells — in its French wording, with English and Russian translations. Content
 * the secretary reads out to callers, so all three stay available whatever the page's language.
 */
export type PhraseLang = 'fr' | 'en' | 'ru';
export type PhraseGroup = 'present' | 'hold' | 'absent' | 'refuse' | 'close';

export const PHRASE_GROUPS: PhraseGroup[] = ['present', 'hold', 'absent', 'refuse', 'close'];

export const PHRASES: Record<PhraseLang, Record<PhraseGroup, string[]>> = {
  fr: {
    present: ['Comment dois-je vous présenter ?', 'Comment puis-je transmettre la question ?', 'Puis-je vous dire quel est le problème ?'],
    hold: ['Juste une minute, je vais me connecter.', 'Merci de patienter, je reviens vers vous.'],
    absent: [
      "… n'est actuellement pas sur place, mais nous l'attendons pour 14h00. Pourriez-vous appeler plus tard ?",
      "… est très occupé en ce moment. Il a une conversation importante. Dois-je l'interrompre ?",
      "… est en réunion jusqu'à 13h30. Il a demandé à noter des informations pour lui. Puis-je connaître votre nom et le but de votre appel ?",
      'Que dois-je lui dire ?',
      "S'il vous plaît, dictez, je vais l'écrire.",
    ],
    refuse: [
      "J'ai peur, c'est impossible…",
      "Malheureusement, ce problème n'a pas de solution. Les circonstances ne permettent pas…",
      'Je suis désolé de vous décevoir, mais les faits sont les suivants…',
      "Aujourd'hui, malheureusement, cela n'est pas possible.",
      "J'aimerais vous faire plaisir, mais la situation est telle que…",
      'Bonne question. Puis-je clarifier cela pour vous et vous rappeler ?',
    ],
    close: ["Merci d'avoir appelé.", "J'étais heureux d'avoir de vos nouvelles.", 'Bonne chance à vous.'],
  },
  en: {
    present: ['How shall I present you?', 'What shall I say it is about?', 'May I tell him what the matter is?'],
    hold: ['Just a minute, I am putting you through.', 'Thank you for holding, I will be right back with you.'],
    absent: [
      '… is not in the office at the moment, but we expect him at 14:00. Could you call back later?',
      '… is very busy at the moment, in an important conversation. Shall I interrupt him?',
      '… is in a meeting until 13:30. He asked me to take a message for him. May I have your name and the purpose of your call?',
      'What shall I tell him?',
      'Please dictate, I will write it down.',
    ],
    refuse: [
      'I am afraid that is impossible…',
      'Unfortunately this matter has no solution. Circumstances do not allow…',
      'I am sorry to disappoint you, but the facts are these…',
      'Today, unfortunately, that is not possible.',
      'I would like to help you, but the situation is such that…',
      'A good question. May I find out and call you back?',
    ],
    close: ['Thank you for calling.', 'It was a pleasure to hear from you.', 'Good luck to you.'],
  },
  ru: {
    present: ['Как вас представить?', 'Что ему передать?', 'Могу я сказать, по какому вы вопросу?'],
    hold: ['Одну минуту, соединяю.', 'Спасибо, что подождали, я сейчас вернусь к вам.'],
    absent: [
      '… сейчас нет на месте, но мы ждём его к 14:00. Не могли бы вы перезвонить позже?',
      '… сейчас очень занят, у него важный разговор. Прервать его?',
      '… на совещании до 13:30. Он просил записать для него информацию. Могу я узнать ваше имя и цель звонка?',
      'Что ему передать?',
      'Пожалуйста, диктуйте, я записываю.',
    ],
    refuse: [
      'Боюсь, это невозможно…',
      'К сожалению, этот вопрос не имеет решения. Обстоятельства не позволяют…',
      'Мне жаль вас разочаровывать, но факты таковы…',
      'Сегодня, к сожалению, это невозможно.',
      'Я бы рада вам помочь, но ситуация такова…',
      'Хороший вопрос. Можно я уточню и перезвоню вам?',
    ],
    close: ['Спасибо за звонок.', 'Была рада вас слышать.', 'Удачи вам.'],
  },
};
