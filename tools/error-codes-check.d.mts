/** The codes `libDir/src/errors.ts` declares and no source file produces. */
export declare function deadErrorCodes(libDir: string): { declared: string[]; dead: string[] };
/** The code prefixes of `libDir` that a sibling lib also declares (empty when each lib has its own). */
export declare function sharedCodePrefixes(libDir: string): string[];
