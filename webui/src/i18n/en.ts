/**
 * English: the reference language (fr.ts and ru.ts give every key of this file). Each screen's
 * messages are in a file of their own (employees.ts, numbers.ts, …), spread here; what stays
 * below is the whole page's (sign-in, navigation, forms) and the voice menus', last, where new
 * keys are appended.
 */
import { employeeMessages } from './employees';
import { departmentMessages } from './departments';
import { numberMessages } from './numbers';
import { liveMessages } from './live';
import { simulatorMessages } from './simulator';
import { historyMessages } from './history';
import { myExtensionMessages } from './my-extension';
import { lineMessages } from './lines';
import { secretaryMessages } from './secretary';
import { systemMessages } from './system';
import { queueMessages } from './queues';
import { promptMessages } from './prompts';
import { doorMessages } from './doors';
import { dectMessages } from './dect';

const en = {
  ...employeeMessages.en,
  ...departmentMessages.en,
  ...numberMessages.en,
  ...liveMessages.en,
  ...simulatorMessages.en,
  ...historyMessages.en,
  ...myExtensionMessages.en,
  ...lineMessages.en,
  ...secretaryMessages.en,
  ...systemMessages.en,
  ...queueMessages.en,
  ...promptMessages.en,
  ...doorMessages.en,
  ...dectMessages.en,
  'app.language': 'Language',
  'app.skip': 'Skip to the screen',
  'app.signedInAs': '{name} ({extension}, {role})',
  'app.signOut': 'Sign out',
  'app.navigation': 'Screens',
  'app.noScreen': 'There is no such screen.',
  'app.adminOnly': 'This screen is for administrators: your account cannot open it.',
  'app.loading': 'Loading…',
  'role.admin': 'administrator',
  'role.user': 'employee',
  'group.people': 'People',
  'group.calls': 'Incoming calls',
  'group.watch': 'Watch',
  'group.me': 'My extension',
  'group.box': 'The box',
  'nav.employees': 'Employees',
  'nav.departments': 'Departments',
  'nav.numbers': 'Numbers',
  'nav.live': 'Live calls',
  'nav.lines': 'Lines',
  'nav.history': 'Call history',
  'nav.voicemail': 'Voicemail',
  'nav.myphone': 'Forwarding and do-not-disturb',
  'nav.simulator': 'Simulator',
  'nav.system': 'System',
  'stream.connecting': 'Connecting…',
  'stream.live': 'Live',
  'stream.reconnecting': 'Connection lost, reconnecting…',
  'stream.closed': 'Not connected',
  'login.title': 'Sign in to the exchange',
  'login.extension': 'Extension',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.ended': 'You were signed out: {reason}',
  'form.save': 'Save',
  'form.cancel': 'Cancel',
  'form.edit': 'Edit',
  'form.delete': 'Delete',
  'form.actions': 'Actions',
  'form.saved': 'Saved.',
  'form.none': '(none)',
  'first.title': 'Set your own password',
  'first.help': '{name}, you signed in with a password from the configuration. Before anything else, choose your own: nobody else will know it.',
  'first.current': 'Current password',
  'first.new': 'New password',
  'first.rule': 'At least 10 characters, not your extension.',
  'first.repeat': 'New password again',
  'first.mismatch': 'The two new passwords differ.',
  'first.submit': 'Set my password',
  'nav.queues': 'Queues',
  'nav.secretary': 'Secretary console',
  'nav.prompts': 'Voice prompts',
  'nav.menus': 'Voice menus',
  'menu.add': 'New voice menu',
  'menu.new': 'New voice menu',
  'menu.edit': 'Edit {name}',
  'menu.extension': 'Extension',
  'menu.name': 'Name',
  'menu.greeting': 'Greeting (prompt name)',
  'menu.timeout': 'Silence before the default (seconds)',
  'menu.retries': 'Tries before the default',
  'menu.directDial': 'Callers may dial an extension during the greeting',
  'menu.keys': 'Keys',
  'menu.key': 'Key {key}',
  'menu.default': 'After the tries',
  'menu.nothing': 'Nothing',
  'menu.targetOf': 'Where: {what}',
  'menu.confirmDelete': 'Delete the voice menu {name}?',
  'menuAction.department': 'Department',
  'menuAction.employee': 'Employee',
  'menuAction.menu': 'Another menu',
  'menuAction.number': 'A number',
  'menuAction.voicemail': 'Voicemail',
  'menuAction.repeat': 'Repeat the greeting',
  'menuAction.back': 'Back to the previous menu',
  'menuAction.hangup': 'Hang up',
  'menuAction.disa': 'Outside line with a PIN',
  'menuAction.queue': 'Queue',
};

export type Messages = typeof en;
export default en;
