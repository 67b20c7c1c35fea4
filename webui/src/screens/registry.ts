/**
 * Every screen of the page, in the navigation's order, grouped. A later screen (DECT
 * handsets, doors, queues, the secretary console) slots in with one entry here and its
 * component file: the navigation, the role check and the lazy loading follow. `admin`
 * screens are for admins only (and the API refuses their routes to anyone else); `sim`
 * screens show on a simulator board only.
 */
import type { ComponentType } from 'preact';
import type { MessageKey } from '../i18n';

export type Group = 'people' | 'calls' | 'watch' | 'me' | 'box';

export interface ScreenDef {
  id: string;
  group: Group;
  title: MessageKey;
  admin: boolean;
  sim?: boolean;
  load: () => Promise<{ default: ComponentType }>;
}

export const GROUPS: Group[] = ['people', 'calls', 'watch', 'me', 'box'];

export const SCREENS: ScreenDef[] = [
  { id: 'employees', group: 'people', title: 'nav.employees', admin: true, load: () => import('./employees/Employees') },
  { id: 'departments', group: 'people', title: 'nav.departments', admin: true, load: () => import('./departments/Departments') },
  { id: 'dect', group: 'people', title: 'nav.dect', admin: true, load: () => import('./dect/Dect') },
  { id: 'numbers', group: 'calls', title: 'nav.numbers', admin: true, load: () => import('./numbers/Numbers') },
  { id: 'menus', group: 'calls', title: 'nav.menus', admin: true, load: () => import('./menus/Menus') },
  // Queues (calls) come with their own issue.
  { id: 'queues', group: 'calls', title: 'nav.queues', admin: false, load: () => import('./queues/Queues') },
  { id: 'prompts', group: 'calls', title: 'nav.prompts', admin: true, load: () => import('./prompts/Prompts') },
  { id: 'live', group: 'watch', title: 'nav.live', admin: false, load: () => import('./live/LiveCalls') },
  { id: 'lines', group: 'watch', title: 'nav.lines', admin: true, load: () => import('./lines/Lines') },
  { id: 'history', group: 'watch', title: 'nav.history', admin: false, load: () => import('./history/History') },
  { id: 'voicemail', group: 'watch', title: 'nav.voicemail', admin: false, load: () => import('./voicemail/Voicemail') },
  { id: 'doors', group: 'watch', title: 'nav.doors', admin: false, load: () => import('./doors/Doors') },
  { id: 'secretary', group: 'watch', title: 'nav.secretary', admin: false, load: () => import('./secretary/Console') },
  { id: 'myphone', group: 'me', title: 'nav.myphone', admin: false, load: () => import('./myphone/MyPhone') },
  { id: 'simulator', group: 'box', title: 'nav.simulator', admin: true, sim: true, load: () => import('./simulator/Simulator') },
  { id: 'system', group: 'box', title: 'nav.system', admin: true, load: () => import('./system/System') },
];
