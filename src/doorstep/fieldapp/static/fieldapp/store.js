/* The field app's data on the phone: IndexedDB "doorstep-field".
   cards  — one household card per id, as the sync API sends it (the caseload only);
   outbox — writes made on the phone, in order (seq), each with its client UUID (sent
            as the Idempotency-Key) and the version it was based on;
   meta   — cursor, last sync, last successful sign-in, signed-in user, settings.
   docs/data-inventory.md lists what is kept here. */
"use strict";
(function () {
  const NAME = "doorstep-field";
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(NAME, 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore("cards", { keyPath: "id" });
          db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          db.createObjectStore("meta", { keyPath: "key" });
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error("blocked"));
      });
    }
    return opening;
  }

  function run(storeName, mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const store = tx.objectStore(storeName);
      let result;
      Promise.resolve(work(store, (value) => { result = value; })).catch(reject);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    }));
  }

  function request(req, set) {
    req.onsuccess = () => set(req.result);
  }

  const FieldStore = {
    all(storeName) {
      return run(storeName, "readonly", (s, set) => request(s.getAll(), set));
    },
    get(storeName, key) {
      return run(storeName, "readonly", (s, set) => request(s.get(key), set));
    },
    put(storeName, value) {
      return run(storeName, "readwrite", (s, set) => request(s.put(value), set));
    },
    add(storeName, value) {
      return run(storeName, "readwrite", (s, set) => request(s.add(value), set));
    },
    remove(storeName, key) {
      return run(storeName, "readwrite", (s) => { s.delete(key); });
    },
    count(storeName) {
      return run(storeName, "readonly", (s, set) => request(s.count(), set));
    },
    putMany(storeName, values, removeKeys, clearFirst) {
      return run(storeName, "readwrite", (s) => {
        if (clearFirst) s.clear();
        (removeKeys || []).forEach((k) => s.delete(k));
        values.forEach((v) => s.put(v));
      });
    },
    meta(key) {
      return FieldStore.get("meta", key).then((row) => (row ? row.value : undefined));
    },
    setMeta(key, value) {
      return FieldStore.put("meta", { key: key, value: value });
    },
    /* Everything this app keeps on the phone: the database and the shell's caches. */
    wipe() {
      const closing = opening ? opening.then((db) => db.close()).catch(() => {}) : Promise.resolve();
      opening = null;
      return closing
        .then(() => new Promise((resolve) => {
          const req = indexedDB.deleteDatabase(NAME);
          req.onsuccess = req.onerror = req.onblocked = () => resolve();
        }))
        .then(() => (self.caches ? caches.keys() : []))
        .then((keys) => Promise.all(
          keys.filter((k) => k.startsWith("doorstep-field-")).map((k) => caches.delete(k))
        ));
    },
  };
  self.FieldStore = FieldStore;
})();
