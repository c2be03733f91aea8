import { createGatehouse } from '@gatehouse/browser';

/** The app's one SDK instance: the API serves this app, so every default (same origin) fits. */
export const gatehouse = createGatehouse();
