/**
 * The web lab's entry point: starts the simulation worker, builds the page and loads the
 * scenario named in the address (`#example=ring-failure&seed=3`), or the tour.
 */
import { App } from './ui/app.ts';
import { LabClient } from './ui/client.ts';
import './styles.css';

const root = document.getElementById('app')!;
const app = new App(root, new LabClient());
const params = new URLSearchParams(location.hash.slice(1));
const seed = params.get('seed');
void app.loadExample(params.get('example'), seed !== null && /^\d+$/.test(seed) ? Number(seed) : undefined);
