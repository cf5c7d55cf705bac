import { describe, expect, it } from 'vitest';
import { type Tensor, ones, randn, tensor, zeros } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { fixture } from './core-fixtures.js';

const fx = fixture<{ containers: {
  holderRepr: string; holderNamedParameters: string[]; holderStateKeys: string[]; holderRequiresGrad: boolean[];
  plistRepr: string; plistShapes: number[][]; pdictRepr: string; pdictKeys: string[]; pdictShapes: number[][];
  singleRepr: string; scalarDictRepr: string; emptyReprs: string[];
} }>('nn_extra.json').containers;

// tools/gen_nn_extra_fixtures.py's Holder.
class Holder extends nn.Module {
  lin = new nn.Linear(2, 2);
  plist = new nn.ParameterList([new nn.Parameter(zeros(3, 4)), new nn.Parameter(zeros([2], { dtype: 'float64' }))]);
  pdict = new nn.ParameterDict({ a: new nn.Parameter(zeros(5)), b: new nn.Parameter(zeros(2, 3), false) });
  override forward(x: Tensor): Tensor { return this.lin(x); }
}

describe('ParameterList / ParameterDict', () => {
  const h = new Holder();
  it('register their entries under PyTorch keys', () => {
    expect(h.namedParameters().map(([k]) => k)).toEqual(fx.holderNamedParameters);
    expect(Object.keys(h.stateDict())).toEqual(fx.holderStateKeys);
    expect(h.parameters().map((p) => p.requiresGrad)).toEqual(fx.holderRequiresGrad);
  });
  it('print exactly like PyTorch', () => {
    expect(String(h)).toBe(fx.holderRepr);
    expect(String(new nn.ParameterList([new nn.Parameter(zeros(2))]))).toBe(fx.singleRepr);
    expect(String(new nn.ParameterDict({ s: new nn.Parameter(tensor(1, { dtype: 'float64' })) }))).toBe(fx.scalarDictRepr);
    expect([String(new nn.ParameterList()), String(new nn.ParameterDict())]).toEqual(fx.emptyReprs);
  });
  it('ParameterList append / extend / get / set / length / iteration', () => {
    const plist = new nn.ParameterList([zeros(2)]);
    plist.append(zeros(1, 2));
    plist.extend([zeros([3], { dtype: 'float64' })]);
    expect(String(plist)).toBe(fx.plistRepr);
    expect([...plist].map((p) => p.shape)).toEqual(fx.plistShapes);
    expect(plist.length).toBe(3);
    expect(plist.get(0)).toBeInstanceOf(nn.Parameter);
    expect(plist.get(0).requiresGrad).toBe(true);
    expect(plist.get(-1).shape).toEqual([3]);
    plist.set(0, ones(4));
    expect(plist.get(0)).toBeInstanceOf(nn.Parameter);
    expect(plist.get(0).shape).toEqual([4]);
    expect(plist.parameters()[0]).toBe(plist.get(0));
    expect(() => plist.get(3)).toThrow(/out of range/);
  });
  it('ParameterDict keys / values / items / update / pop', () => {
    const pdict = new nn.ParameterDict({ x: zeros(2) });
    pdict.update({ y: ones(3), x: zeros([4], { dtype: 'float64' }) });
    expect(String(pdict)).toBe(fx.pdictRepr);
    expect(pdict.keys()).toEqual(fx.pdictKeys);
    expect([...pdict]).toEqual(fx.pdictKeys);
    expect(pdict.values().map((p) => p.shape)).toEqual(fx.pdictShapes);
    expect(pdict.items().map(([k, p]) => [k, p.shape])).toEqual(fx.pdictKeys.map((k, i) => [k, fx.pdictShapes[i]]));
    expect(pdict.has('y')).toBe(true);
    const copy = new nn.ParameterDict(pdict);
    expect(copy.get('y')).toBe(pdict.get('y'));
    expect(pdict.pop('y').shape).toEqual([3]);
    expect(pdict.length).toBe(1);
    expect(() => pdict.get('y')).toThrow(/'y'/);
  });
  it('parameters train through the container', () => {
    const plist = new nn.ParameterList([randn(3)]);
    plist.get(0).mul(2).sum().backward();
    expect(Array.from(plist.get(0).grad!.dataSync())).toEqual([2, 2, 2]);
  });
});
