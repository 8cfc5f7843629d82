/** The codes `libDir/src/errors.ts` declares and no source file produces. */
export declare function deadErrorCodes(libDir: string): { declared: string[]; dead: string[] };
