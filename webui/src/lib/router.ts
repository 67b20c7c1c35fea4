/** The screen in the address (`#/employees`): reload and the back button keep the place. */
import { createStore } from './store';

const read = (): string => location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
export const route = createStore(read());
addEventListener('hashchange', () => route.set(read()));

export function go(id: string): void {
  location.hash = `#/${id}`;
}
