// The AWS SDK for JavaScript v3 against the mock's HTTP server.
//
//   node script.mjs <endpoint> [<name prefix>]
//
// Region and credentials come from the environment, as for any SDK user
// (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). The script prints one
// JSON object with what the SDK returned; tests/test_js_sdk.py checks it.
import {
  CreateComponentCommand,
  CreateImageRecipeCommand,
  GetComponentCommand,
  GetImageRecipeCommand,
  ImagebuilderClient,
  ImagebuilderServiceException,
  ResourceNotFoundException,
  paginateListComponents,
} from "@aws-sdk/client-imagebuilder";

const [endpoint, prefix = "js"] = process.argv.slice(2);
if (!endpoint) {
  console.error("usage: node script.mjs <endpoint> [<name prefix>]");
  process.exit(2);
}

const client = new ImagebuilderClient({ endpoint, maxAttempts: 1 });
const region = await client.config.region();

const DOCUMENT = `schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: SayHello
        action: ExecuteBash
        inputs:
          commands:
            - echo hello
`;

async function createComponent(name) {
  const out = await client.send(
    new CreateComponentCommand({
      name,
      semanticVersion: "1.0.0",
      platform: "Linux",
      data: DOCUMENT,
      description: `made by the JavaScript SDK (${name})`,
      tags: { client: "js" },
    }),
  );
  return out.componentBuildVersionArn;
}

// Three components; the first one goes into the recipe.
const names = [1, 2, 3].map((n) => `${prefix}-component-${n}`);
const componentArns = [];
for (const name of names) {
  componentArns.push(await createComponent(name));
}

const recipeOut = await client.send(
  new CreateImageRecipeCommand({
    name: `${prefix}-recipe`,
    semanticVersion: "1.0.0",
    parentImage: `arn:aws:imagebuilder:${region}:aws:image/amazon-linux-2023-x86/x.x.x`,
    components: [{ componentArn: componentArns[0] }],
  }),
);

const component = (
  await client.send(new GetComponentCommand({ componentBuildVersionArn: componentArns[0] }))
).component;
const recipe = (
  await client.send(new GetImageRecipeCommand({ imageRecipeArn: recipeOut.imageRecipeArn }))
).imageRecipe;

// The SDK's own paginator: one component a page, following nextToken to the end.
const pages = [];
for await (const page of paginateListComponents(
  { client, pageSize: 1 },
  { owner: "Self", filters: [{ name: "name", values: names }] },
)) {
  pages.push({
    names: page.componentVersionList.map((c) => c.name),
    nextToken: page.nextToken ?? null,
  });
}

// A missing resource: the SDK turns the error document into its modeled class.
let missing = null;
const missingArn = componentArns[0].replace(/component\/[^/]+\//, "component/no-such-component/");
try {
  await client.send(new GetComponentCommand({ componentBuildVersionArn: missingArn }));
} catch (error) {
  missing = {
    instanceOfResourceNotFound: error instanceof ResourceNotFoundException,
    instanceOfServiceException: error instanceof ImagebuilderServiceException,
    name: error.name,
    message: error.message,
    httpStatusCode: error.$metadata?.httpStatusCode ?? null,
    fault: error.$fault,
    arn: missingArn,
  };
}

console.log(
  JSON.stringify({
    region,
    createdComponents: componentArns,
    component: {
      arn: component.arn,
      name: component.name,
      version: component.version,
      platform: component.platform,
      type: component.type,
      description: component.description,
      data: component.data,
      tags: component.tags,
      // A timestamp member arrives as a string the SDK leaves alone (Image Builder's
      // model types dateCreated as a string).
      dateCreated: component.dateCreated,
    },
    recipe: {
      arn: recipe.arn,
      name: recipe.name,
      version: recipe.version,
      parentImage: recipe.parentImage,
      components: recipe.components.map((c) => c.componentArn),
    },
    pages,
    missing,
  }),
);
