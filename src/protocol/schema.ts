import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlBufferInputProvider, XmlDocument, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';

/**
 * Compiles a folder of XSDs once, through a driver schema that imports every namespace (epp-1.0's
 * <extension> and <resData> are strict `##other` wildcards, so all namespaces must be compiled together).
 * The XSD files are served to libxml2 from memory under a virtual path: schema compilation never touches
 * the network or any file outside the folder.
 */
let providerCount = 0;

/**
 * libxml2 keeps a small fixed table of input providers (10 here), so the process registers exactly one
 * and adds each schema set's files to it under its own virtual prefix.
 */
let provider: XmlBufferInputProvider | undefined;
function serve(files: Record<string, Uint8Array>): void {
  if (!provider) {
    provider = new XmlBufferInputProvider({});
    xmlRegisterInputProvider(provider);
  }
  for (const [name, data] of Object.entries(files)) provider.addBuffer(name, data);
}

export function compileSchemaSet(dir: string, driver = 'epp-all.xsd'): XsdValidator {
  const prefix = `/__xsd${providerCount++}/`;
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.xsd')) files[prefix + name] = readFileSync(join(dir, name));
  }
  if (!files[prefix + driver]) throw new Error(`schema driver ${driver} not found in ${dir}`);
  serve(files);
  const doc = XmlDocument.fromBuffer(files[prefix + driver], { url: prefix + driver });
  try {
    return XsdValidator.fromDoc(doc);
  } finally {
    doc.dispose();
  }
}

/** Writes a driver schema for a folder that has none (the reference copies in ../shared). */
export function driverSchemaFor(namespaces: Record<string, string>): Uint8Array {
  const imports = Object.entries(namespaces)
    .map(([ns, file]) => `  <xs:import namespace="${ns}" schemaLocation="${file}"/>`)
    .join('\n');
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n${imports}\n</xs:schema>\n`,
  );
}

/** Compiles schemas spread over several folders (file name → folder), with a generated driver. */
export function compileSchemaFiles(files: Record<string, string>, namespaces: Record<string, string>): XsdValidator {
  const prefix = `/__xsd${providerCount++}/`;
  const buffers: Record<string, Uint8Array> = {};
  for (const [name, path] of Object.entries(files)) buffers[prefix + name] = readFileSync(path);
  buffers[prefix + 'driver.xsd'] = driverSchemaFor(namespaces);
  serve(buffers);
  const doc = XmlDocument.fromBuffer(buffers[prefix + 'driver.xsd'], { url: prefix + 'driver.xsd' });
  try {
    return XsdValidator.fromDoc(doc);
  } finally {
    doc.dispose();
  }
}
