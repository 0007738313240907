/** A function that makes its value at its first call and answers that value ever after. */
export function onFirstCall<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
