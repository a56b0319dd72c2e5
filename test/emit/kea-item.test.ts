// A Kea reservation item written out is what serialising the reservation and indenting it gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { keaReservation, reservationItem } from '../../src/emit/kea.ts';

test('a reservation item is JSON.stringify(keaReservation(r), null, 2) at its indentation', () => {
  const reservation = fc.record(
    { name: fc.string(), host: fc.string(), hostName: fc.string({ unit: 'grapheme' }), mac: fc.string({ unit: 'binary' }), address: fc.string(), network: fc.string() },
    { requiredKeys: ['name', 'host', 'hostName', 'mac', 'network'] },
  );
  fc.assert(
    fc.property(reservation, fc.constantFrom('', '  ', '          '), (r, indent) => {
      assert.equal(reservationItem(r, indent), indent + JSON.stringify(keaReservation(r), null, 2).replace(/\n/g, `\n${indent}`));
    }),
    { numRuns: 2000 },
  );
});
