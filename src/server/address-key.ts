/** Moved to limits/ (below the domain, which keys its limits with it); kept here for the HTTP layer's imports. */
export { addressKey } from '../limits/address-key.js';
